/**
 * Per-record cost of the migration API: the same loop run plain (a local counter) and instrumented
 * (phase.recordProcessed() / recordFailed() per record, inside a run with a phase span, checkpoints to
 * real SDK metrics), reported as ns per record and as a ratio, for an empty loop body and for a small
 * record transform. Real SDK providers (in-memory export) are registered for the measurement unless
 * `useGlobalProviders` is set, and removed afterwards.
 */
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { performance } from 'node:perf_hooks';
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

export interface WorkloadResult {
  workload: 'empty' | 'transform';
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

/** The per-record work; returns something so the loop cannot be optimised away. */
const WORK = {
  empty: (_i: number) => 1,
  transform: (i: number) => {
    const record = { id: i, name: `acct-${i}`, email: i % 3 === 0 ? '' : `u${i}@example.com` };
    return record.name.length + record.email.length;
  },
} as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function plainLoop(records: number, work: (i: number) => number): { ms: number; sink: number } {
  let processed = 0;
  let failed = 0;
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < records; i++) {
    const v = work(i);
    sink += v;
    if (v % 97 === 0) failed++;
    else processed++;
  }
  return { ms: performance.now() - start, sink: sink + processed + failed };
}

function instrumentedLoop(records: number, work: (i: number) => number): { ms: number; sink: number } {
  const run = startMigrationRun({ migrationId: 'bench', template: 'bench', totalRecords: records });
  const phase = run.startPhase('transform');
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < records; i++) {
    const v = work(i);
    sink += v;
    if (v % 97 === 0) phase.recordFailed('bench');
    else phase.recordProcessed();
  }
  const ms = performance.now() - start;
  phase.end();
  run.end();
  return { ms, sink: sink + phase.processed + phase.failed };
}

export async function benchMigration(options: MigrationBenchOptions = {}): Promise<MigrationBenchResult> {
  const records = options.records ?? 2_000_000;
  const repeats = options.repeats ?? 7;
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
    for (const workload of ['empty', 'transform'] as const) {
      const work = WORK[workload];
      // Warm-up: let the JIT compile both loops before timing.
      sink += plainLoop(Math.min(records, 200_000), work).sink + instrumentedLoop(Math.min(records, 200_000), work).sink;
      const plain: number[] = [];
      const instrumented: number[] = [];
      for (let r = 0; r < repeats; r++) {
        // Alternate, so drift in machine load hits both alike.
        const a = plainLoop(records, work);
        const b = instrumentedLoop(records, work);
        plain.push(a.ms);
        instrumented.push(b.ms);
        sink += a.sink + b.sink;
      }
      const baselineNsPerRecord = (median(plain) * 1e6) / records;
      const instrumentedNsPerRecord = (median(instrumented) * 1e6) / records;
      const result: WorkloadResult = {
        workload,
        baselineNsPerRecord: round(baselineNsPerRecord),
        instrumentedNsPerRecord: round(instrumentedNsPerRecord),
        ratio: round(instrumentedNsPerRecord / baselineNsPerRecord),
        overheadNsPerRecord: round(instrumentedNsPerRecord - baselineNsPerRecord),
      };
      log(`migration bench ${workload}: ${result.baselineNsPerRecord} ns plain, ${result.instrumentedNsPerRecord} ns instrumented per record (x${result.ratio})`);
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
