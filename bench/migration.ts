/**
 * Per-record cost of the migration API: the same loop run plain (a local counter) and instrumented
 * (phase.recordProcessed() / recordFailed() per record, inside a run with a phase span, checkpoints to
 * real SDK metrics), reported as ns per record and as a ratio, for an empty loop body, a small record
 * transform and a record mapping (parse the source record, map its fields, serialise it for the target).
 * A last variant counts per page of records (recordProcessed(n) once per PAGE_SIZE records), as a job that
 * reads its source in pages does. Real SDK providers (in-memory export) are registered for the measurement
 * unless `useGlobalProviders` is set, and removed afterwards.
 */
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { startMigrationRun } from '../src/migration/index.js';

export interface MigrationBenchOptions {
  /** Records per measured loop (default 2,000,000). */
  records?: number;
  /** Timed repetitions per variant; the median is reported (default 7). */
  repeats?: number;
  /** Measure against the providers already registered (e.g. a started SDK) instead of our own. */
  useGlobalProviders?: boolean;
  log?: (message: string) => void;
}

export type Workload = 'empty' | 'transform' | 'mapping';

/** How the instrumented loop counts: one call per record, or one call per page of PAGE_SIZE records. */
export type Counting = 'per-record' | 'per-page';

export const PAGE_SIZE = 1000;

export interface WorkloadResult {
  workload: Workload;
  counting: Counting;
  baselineNsPerRecord: number;
  instrumentedNsPerRecord: number;
  /** Instrumented time / plain time. */
  ratio: number;
  overheadNsPerRecord: number;
}

export interface MigrationBenchResult {
  records: number;
  repeats: number;
  workloads: WorkloadResult[];
}

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Source records as an API or export file delivers them: JSON text, one of 1024 shapes cycled. */
const SOURCE = Array.from({ length: 1024 }, (_, i) =>
  JSON.stringify({
    id: `acc_${i}`,
    name: `  Account ${i} `,
    email: i % 3 === 0 ? null : `User${i}@Example.com`,
    status: i % 7 === 0 ? 'closed' : 'active',
    owner: { id: i % 50, region: i % 2 ? 'eu' : 'us' },
  }),
);

/** The per-record work; returns something so the loop cannot be optimised away. */
const WORK: Record<Workload, (i: number) => number> = {
  empty: (_i: number) => 1,
  transform: (i: number) => {
    const record = { id: i, name: `acct-${i}`, email: i % 3 === 0 ? '' : `u${i}@example.com` };
    return record.name.length + record.email.length;
  },
  mapping: (i: number) => {
    const source = JSON.parse(SOURCE[i & 1023]!) as {
      id: string;
      name: string;
      email: string | null;
      status: string;
      owner: { id: number; region: string };
    };
    const target = {
      externalId: source.id,
      displayName: source.name.trim(),
      email: source.email?.toLowerCase() ?? '',
      active: source.status === 'active',
      ownerId: source.owner.id,
      region: source.owner.region.toUpperCase(),
    };
    return JSON.stringify(target).length;
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Process CPU time in ms. Wall time would also count the time this thread waits for a core, which on a
 * shared machine swamps a difference of a few ns per record; the loops are single-threaded, and GC
 * threads' time, which the API could cause, is included.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function plainLoop(records: number, work: (i: number) => number): { ms: number; sink: number } {
  let processed = 0;
  let failed = 0;
  let sink = 0;
  const start = cpuMs();
  for (let i = 0; i < records; i++) {
    const v = work(i);
    sink += v;
    if (v % 97 === 0) failed++;
    else processed++;
  }
  return { ms: cpuMs() - start, sink: sink + processed + failed };
}

/**
 * Pages of PAGE_SIZE records counted locally; at the end of each page the counts go to the phase, or, for
 * the baseline (no phase), to plain totals: the two loops differ only by that call.
 */
function pagedLoop(records: number, work: (i: number) => number, instrumented: boolean): { ms: number; sink: number } {
  const run = instrumented ? startMigrationRun({ migrationId: 'bench', template: 'bench', totalRecords: records }) : undefined;
  const phase = run?.startPhase('transform');
  let totalProcessed = 0;
  let totalFailed = 0;
  let sink = 0;
  const start = cpuMs();
  for (let page = 0; page < records; page += PAGE_SIZE) {
    let processed = 0;
    let failed = 0;
    const end = Math.min(page + PAGE_SIZE, records);
    for (let i = page; i < end; i++) {
      const v = work(i);
      sink += v;
      if (v % 97 === 0) failed++;
      else processed++;
    }
    if (phase) {
      phase.recordProcessed(processed);
      if (failed > 0) phase.recordFailed('bench', failed);
    } else {
      totalProcessed += processed;
      totalFailed += failed;
    }
  }
  const ms = cpuMs() - start;
  phase?.end();
  run?.end();
  return { ms, sink: sink + totalProcessed + totalFailed + (phase ? phase.processed + phase.failed : 0) };
}

function instrumentedLoop(records: number, work: (i: number) => number): { ms: number; sink: number } {
  const run = startMigrationRun({ migrationId: 'bench', template: 'bench', totalRecords: records });
  const phase = run.startPhase('transform');
  let sink = 0;
  const start = cpuMs();
  for (let i = 0; i < records; i++) {
    const v = work(i);
    sink += v;
    if (v % 97 === 0) phase.recordFailed('bench');
    else phase.recordProcessed();
  }
  const ms = cpuMs() - start;
  phase.end();
  run.end();
  return { ms, sink: sink + phase.processed + phase.failed };
}

export async function benchMigration(options: MigrationBenchOptions = {}): Promise<MigrationBenchResult> {
  const records = options.records ?? 2_000_000;
  const repeats = options.repeats ?? 11;
  const log = options.log ?? (() => undefined);

  let teardown = async () => {};
  if (!options.useGlobalProviders) {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })] });
    const meterProvider = new MeterProvider({ readers: [new ManualReader()] });
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    teardown = async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      context.disable();
    };
  }

  const workloads: WorkloadResult[] = [];
  let sink = 0;
  try {
    const variants: [Workload, Counting][] = [
      ['empty', 'per-record'],
      ['transform', 'per-record'],
      ['mapping', 'per-record'],
      ['transform', 'per-page'],
    ];
    for (const [workload, counting] of variants) {
      const work = WORK[workload];
      const plainLoopOf = counting === 'per-page' ? (n: number, w: (i: number) => number) => pagedLoop(n, w, false) : plainLoop;
      const instrumentedLoopOf =
        counting === 'per-page' ? (n: number, w: (i: number) => number) => pagedLoop(n, w, true) : instrumentedLoop;
      // The mapping body is ~30x the others: fewer records keep its loops as long as theirs.
      const n = workload === 'mapping' ? Math.ceil(records / 10) : records;
      // Warm-up: let the JIT compile both loops before timing.
      sink += plainLoopOf(Math.min(n, 200_000), work).sink + instrumentedLoopOf(Math.min(n, 200_000), work).sink;
      const plain: number[] = [];
      const instrumented: number[] = [];
      for (let r = 0; r < repeats; r++) {
        // Alternate, and swap which goes first (A B B A ...), so drift in machine load and the garbage one
        // loop leaves for the next to collect hit both alike.
        const first = r % 2 === 0;
        const b0 = first ? undefined : instrumentedLoopOf(n, work);
        const a = plainLoopOf(n, work);
        const b = b0 ?? instrumentedLoopOf(n, work);
        plain.push(a.ms);
        instrumented.push(b.ms);
        sink += a.sink + b.sink;
      }
      // Each instrumented run against the plain run next to it: the median of those paired ratios cancels the
      // drift of a shared machine that separate medians of the two variants keep.
      const pairedRatio = median(plain.map((p, i) => instrumented[i]! / p));
      const baselineNsPerRecord = (median(plain) * 1e6) / n;
      const instrumentedNsPerRecord = baselineNsPerRecord * pairedRatio;
      const result: WorkloadResult = {
        workload,
        counting,
        baselineNsPerRecord: round(baselineNsPerRecord),
        instrumentedNsPerRecord: round(instrumentedNsPerRecord),
        ratio: round(pairedRatio),
        overheadNsPerRecord: round(instrumentedNsPerRecord - baselineNsPerRecord),
      };
      log(
        `migration bench ${workload} (${counting}): ${result.baselineNsPerRecord} ns plain, ${result.instrumentedNsPerRecord} ns instrumented per record (x${result.ratio})`,
      );
      workloads.push(result);
    }
  } finally {
    await teardown();
  }
  if (sink === -1) log('unreachable');
  return { records, repeats, workloads };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
