/**
 * A migration run: one span (SPAN.migrationRun) with a child span per phase, run and phase metrics, and
 * progress the application can read (`run.progress()`) and that the run span carries.
 *
 *   const run = startMigrationRun({ migrationId, sourceOrg, targetOrg, template, totalRecords });
 *   await run.phase('extract', async (phase) => { for (const r of rows) phase.recordProcessed(); });
 *   run.end();
 *
 * Run-level counts: `records.processed` is what the last phase to end processed (records that made it
 * through the pipeline), `records.failed` the failures of all phases.
 */
import { SpanStatusCode, context, diag, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { toError } from '../core/errors.js';
import { ATTR, SPAN } from '../semconv.js';
import { getTracer } from '../analytics/otel.js';
import { migrationInstruments } from './metrics.js';
import { MigrationPhase, round, type PhaseHost } from './phase.js';
import type { MigrationProgress, MigrationRunMeta, MigrationRunOptions, RunOutcome } from './types.js';

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_PROGRESS_INTERVAL_MS = 1000;

export class MigrationRun implements PhaseHost {
  readonly runId: string;
  readonly migrationId: string;
  readonly template: string | undefined;
  readonly batchSize: number;
  readonly span: Span;
  /** The run span's context; run.phase() runs each phase below it. */
  readonly context: Context;
  private readonly total: number | undefined;
  private readonly expectedPhases: readonly string[] | undefined;
  private readonly progressIntervalMs: number;
  private readonly startedAt = performance.now();
  private lastProgressAt = -Infinity;
  private readonly active = new Set<MigrationPhase>();
  private lastStarted: MigrationPhase | undefined;
  private lastEnded: MigrationPhase | undefined;
  private failedInEndedPhases = 0;
  private phasesFailed = 0;
  private failedPhaseReason: string | undefined;
  private firstError: unknown;
  private outcomeValue: RunOutcome | undefined;

  constructor(
    readonly meta: MigrationRunMeta,
    options: MigrationRunOptions = {},
  ) {
    if (!meta || typeof meta.migrationId !== 'string' || meta.migrationId === '') {
      throw new TypeError('tc9-observability: startMigrationRun: meta.migrationId must be a non-empty string');
    }
    this.runId = meta.runId || randomUUID();
    this.migrationId = meta.migrationId;
    this.template = meta.template;
    this.total = meta.totalRecords !== undefined && meta.totalRecords >= 0 ? meta.totalRecords : undefined;
    this.expectedPhases = meta.phases?.length ? meta.phases : undefined;
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
    this.progressIntervalMs = Math.max(0, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);

    const active = context.active();
    const activeSpan = trace.getSpan(active);
    const newTrace = (options.parent ?? 'new-trace') === 'new-trace';
    const links: Link[] = newTrace && activeSpan ? [{ context: activeSpan.spanContext() }] : [];
    this.span = getTracer().startSpan(SPAN.migrationRun, { root: newTrace, links, attributes: runAttributes(meta, this.runId) }, active);
    this.context = trace.setSpan(active, this.span);
  }

  get ended(): boolean {
    return this.outcomeValue !== undefined;
  }

  /** Starts a phase to end by hand (`phase.end()`); run.phase() does both around a function. */
  startPhase(name: string): MigrationPhase {
    if (this.outcomeValue !== undefined)
      diag.warn(`tc9-observability: migration run ${this.runId}: phase "${name}" started after the run ended`);
    const phase = new MigrationPhase(name, this);
    this.active.add(phase);
    this.lastStarted = phase;
    return phase;
  }

  /**
   * Runs `fn` as the phase `name`, inside the phase span's context. The phase fails when `fn` throws
   * (the error is recorded and rethrown) or when `fn` itself ends it with phase.end('failed').
   */
  async phase<T>(name: string, fn: (phase: MigrationPhase) => Promise<T> | T): Promise<T> {
    const phase = this.startPhase(name);
    let result: T;
    try {
      result = await context.with(phase.context, () => fn(phase));
    } catch (error) {
      phase.end('failed', error);
      throw error;
    }
    phase.end('succeeded');
    return result;
  }

  progress(): MigrationProgress {
    const phase = this.currentPhase();
    const processed = phase?.processed ?? 0;
    const failed = this.failedTotal();
    const rate = phase?.recordsPerSecond() ?? 0;
    const total = this.total;
    let fraction: number | undefined;
    let etaSeconds: number | undefined;
    if (total !== undefined && total > 0) {
      const done = Math.min(1, ((phase?.processed ?? 0) + (phase?.failed ?? 0)) / total);
      const expected = this.expectedPhases;
      const index = phase && expected ? expected.indexOf(phase.name) : -1;
      if (expected && index >= 0) {
        const doneInPhase = phase?.ended ? 1 : done;
        fraction = (index + doneInPhase) / expected.length;
        if (rate > 0) etaSeconds = ((1 - doneInPhase) * total + (expected.length - index - 1) * total) / rate;
      } else {
        fraction = done;
        if (rate > 0) etaSeconds = ((1 - done) * total) / rate;
      }
      if (this.outcomeValue !== undefined) {
        fraction = this.outcomeValue === 'succeeded' ? 1 : fraction;
        etaSeconds = 0;
      }
    }
    return {
      runId: this.runId,
      phase: phase?.name,
      processed,
      failed,
      total,
      fraction,
      recordsPerSecond: round(rate),
      etaSeconds: etaSeconds === undefined ? undefined : Math.ceil(etaSeconds),
      elapsedMs: performance.now() - this.startedAt,
      ended: this.outcomeValue !== undefined,
    };
  }

  /**
   * Ends the run (idempotent) and any phase still open. Without an outcome: 'failed' when a phase failed
   * or `error` is given, else 'succeeded'.
   */
  end(outcome?: RunOutcome, error?: unknown): void {
    if (this.outcomeValue !== undefined) return;
    if (error !== undefined) this.firstError ??= error;
    for (const phase of [...this.active]) phase.end(outcome === 'succeeded' || outcome === undefined ? 'succeeded' : 'failed');
    const anyFailed = this.phasesFailed > 0 || this.firstError !== undefined;
    const final: RunOutcome = outcome ?? (anyFailed ? 'failed' : 'succeeded');
    this.outcomeValue = final;

    const seconds = (performance.now() - this.startedAt) / 1000;
    const processed = this.lastEnded?.processed ?? 0;
    const attributes: Attributes = {
      [ATTR.outcome]: final,
      [ATTR.recordsProcessed]: processed,
      [ATTR.recordsFailed]: this.failedTotal(),
      [ATTR.throughput]: seconds > 0 ? round(processed / seconds) : 0,
      [ATTR.progress]: final === 'succeeded' ? 1 : (this.progress().fraction ?? 0),
      [ATTR.etaSeconds]: 0,
    };
    const reason = this.failureReason();
    if (final !== 'succeeded' && reason) attributes[ATTR.failureReason] = reason;
    this.span.setAttributes(attributes);
    if (this.firstError !== undefined) {
      const e = toError(this.firstError);
      this.span.recordException(e);
    }
    if (final === 'failed') this.span.setStatus({ code: SpanStatusCode.ERROR, message: reason ?? 'migration failed' });
    else if (final === 'succeeded') this.span.setStatus({ code: SpanStatusCode.OK });
    this.span.end();

    const metricAttributes: Attributes = { [ATTR.outcome]: final };
    if (this.template !== undefined) metricAttributes[ATTR.template] = this.template;
    migrationInstruments().runs.add(1, metricAttributes);
  }

  /** @internal PhaseHost */
  onCheckpoint(phase: MigrationPhase): void {
    const now = performance.now();
    if (now - this.lastProgressAt < this.progressIntervalMs) return;
    this.lastProgressAt = now;
    phase.updateSpan();
    const p = this.progress();
    this.span.setAttributes({
      [ATTR.recordsProcessed]: p.processed,
      [ATTR.recordsFailed]: p.failed,
      [ATTR.throughput]: p.recordsPerSecond,
      ...(p.fraction !== undefined ? { [ATTR.progress]: round(p.fraction) } : {}),
      ...(p.etaSeconds !== undefined ? { [ATTR.etaSeconds]: p.etaSeconds } : {}),
    });
  }

  /** @internal PhaseHost */
  onPhaseEnd(phase: MigrationPhase): void {
    this.active.delete(phase);
    this.lastEnded = phase;
    this.failedInEndedPhases += phase.failed;
    if (phase.outcome === 'failed') {
      this.phasesFailed += 1;
      this.failedPhaseReason ??= `phase ${phase.name} failed`;
    }
  }

  private currentPhase(): MigrationPhase | undefined {
    if (this.lastStarted && !this.lastStarted.ended) return this.lastStarted;
    let latest: MigrationPhase | undefined;
    for (const phase of this.active) latest = phase;
    return latest ?? this.lastEnded;
  }

  private failedTotal(): number {
    let failed = this.failedInEndedPhases;
    for (const phase of this.active) failed += phase.failed;
    return failed;
  }

  private failureReason(): string | undefined {
    if (this.firstError !== undefined) return this.firstError instanceof Error ? this.firstError.message : String(this.firstError);
    return this.failedPhaseReason ?? this.lastEnded?.topFailureReason();
  }
}

function runAttributes(meta: MigrationRunMeta, runId: string): Attributes {
  const attributes: Attributes = { [ATTR.migrationId]: meta.migrationId, [ATTR.runId]: runId };
  const optional: [string, string | number | undefined][] = [
    [ATTR.sourceOrg, meta.sourceOrg],
    [ATTR.targetOrg, meta.targetOrg],
    [ATTR.template, meta.template],
    [ATTR.recordsTotal, meta.totalRecords],
    [ATTR.userId, meta.userId],
    [ATTR.orgId, meta.orgId],
  ];
  for (const [key, value] of optional) if (value !== undefined && value !== '') attributes[key] = value;
  return attributes;
}

/** Starts a run; end it with run.end(). */
export function startMigrationRun(meta: MigrationRunMeta, options?: MigrationRunOptions): MigrationRun {
  return new MigrationRun(meta, options);
}

/**
 * Runs `fn` as a migration run: ends it 'succeeded' when `fn` resolves (or 'failed' if a phase failed),
 * 'failed' with the error when it throws (rethrown). `fn` runs inside the run span's context.
 */
export async function trackMigrationRun<T>(
  meta: MigrationRunMeta,
  fn: (run: MigrationRun) => Promise<T> | T,
  options?: MigrationRunOptions,
): Promise<T> {
  const run = startMigrationRun(meta, options);
  let result: T;
  try {
    result = await context.with(run.context, () => fn(run));
  } catch (error) {
    run.end('failed', error);
    throw error;
  }
  run.end();
  return result;
}
