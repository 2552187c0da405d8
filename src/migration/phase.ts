/**
 * One phase of a migration run (extract, transform, load, ...): a child span of the run span, record
 * counts, and calls to external systems.
 *
 * Per-record calls only add to plain numbers; every `batchSize` records a checkpoint hands the counts to
 * the records counter and, at most once per `progressIntervalMs`, refreshes the progress attributes of
 * the phase and run spans. Nothing is allocated per record.
 */
import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { toError } from '../core/errors.js';
import { ATTR, SPAN } from '../semconv.js';
import { getTracer } from '../analytics/otel.js';
import { markExternalServiceError } from '../errors/external.js';
import { migrationInstruments } from './metrics.js';
import type { PhaseOutcome } from './types.js';

/** Distinct failure reasons kept per phase; further ones are counted under OTHER_REASON. */
const MAX_REASONS = 20;
const OTHER_REASON = 'other';

/** What a phase needs from its run. */
export interface PhaseHost {
  readonly runId: string;
  readonly migrationId: string;
  readonly template: string | undefined;
  readonly batchSize: number;
  readonly context: Context;
  /** Called at each checkpoint; the run decides whether progress is due. */
  onCheckpoint(phase: MigrationPhase): void;
  onPhaseEnd(phase: MigrationPhase): void;
}

export class MigrationPhase {
  readonly span: Span;
  /** The phase span's context: what runs inside the phase should run in it (run.phase() does). */
  readonly context: Context;
  /** Counts already handed to the records totals; the pending ones are added at the next checkpoint. */
  private processedCount = 0;
  private failedCount = 0;
  private pendingProcessed = 0;
  private pendingFailed = 0;
  private untilCheckpoint: number;
  private readonly startedAt = performance.now();
  private endedAt: number | undefined;
  private readonly reasons = new Map<string, { count: number }>();
  /** The reason tallied last and its tally: a failing batch usually repeats one reason. */
  private lastReason: string | undefined;
  private lastTally = { count: 0 };
  private readonly processedAttributes: Attributes;
  private readonly failedAttributes: Attributes;
  /**
   * The records totals this phase adds to, taken from the meter provider current when it starts (as a
   * tracer is): a checkpoint is then two additions.
   */
  private readonly processedTotal: { value: number };
  private readonly failedTotal: { value: number };
  private outcomeValue: PhaseOutcome | undefined;

  constructor(
    readonly name: string,
    private readonly host: PhaseHost,
  ) {
    const common: Attributes = { [ATTR.phase]: name };
    if (host.template !== undefined) common[ATTR.template] = host.template;
    this.processedAttributes = { ...common, [ATTR.outcome]: 'processed' };
    this.failedAttributes = { ...common, [ATTR.outcome]: 'failed' };
    const key = JSON.stringify([name, host.template ?? null]);
    const totals = migrationInstruments().records;
    this.processedTotal = totals.total(`${key}processed`, this.processedAttributes);
    this.failedTotal = totals.total(`${key}failed`, this.failedAttributes);
    this.untilCheckpoint = host.batchSize;
    this.span = getTracer().startSpan(
      SPAN.migrationPhasePrefix + name,
      {
        attributes: {
          [ATTR.migrationId]: host.migrationId,
          [ATTR.runId]: host.runId,
          [ATTR.phase]: name,
          ...(host.template !== undefined ? { [ATTR.template]: host.template } : {}),
        },
      },
      host.context,
    );
    this.context = trace.setSpan(host.context, this.span);
  }

  get processed(): number {
    return this.processedCount + this.pendingProcessed;
  }

  get failed(): number {
    return this.failedCount + this.pendingFailed;
  }

  get ended(): boolean {
    return this.outcomeValue !== undefined;
  }

  get outcome(): PhaseOutcome | undefined {
    return this.outcomeValue;
  }

  /** Counts `n` (default 1) records handled successfully. */
  recordProcessed(n = 1): void {
    if (!(n > 0) || this.outcomeValue !== undefined) return;
    this.pendingProcessed += n;
    this.untilCheckpoint -= n;
    if (this.untilCheckpoint <= 0) this.checkpoint();
  }

  /** Counts `n` (default 1) failed records; the reason (keep it low-cardinality: a code, not a record id) is tallied. */
  recordFailed(reason?: string, n = 1): void {
    if (!(n > 0) || this.outcomeValue !== undefined) return;
    this.pendingFailed += n;
    if (reason !== undefined) this.tally(reason, n);
    this.untilCheckpoint -= n;
    if (this.untilCheckpoint <= 0) this.checkpoint();
  }

  /**
   * Runs one call to an external system in a client span (SPAN.migrationApiCall) and records its count,
   * latency and outcome. An error is marked external_service for captureError, and rethrown.
   */
  apiCall<T>(system: string, operation: string, fn: () => Promise<T> | T): Promise<T> {
    const attributes: Attributes = { [ATTR.apiSystem]: system, [ATTR.apiOperation]: operation };
    const span = getTracer().startSpan(
      SPAN.migrationApiCall,
      { kind: SpanKind.CLIENT, attributes: { ...attributes, [ATTR.runId]: this.host.runId, [ATTR.phase]: this.name } },
      this.context,
    );
    const started = performance.now();
    const finish = (outcome: 'succeeded' | 'failed', errorType?: string) => {
      span.end();
      const metricAttributes: Attributes = { ...attributes, [ATTR.outcome]: outcome };
      if (errorType) metricAttributes['error.type'] = errorType;
      const m = migrationInstruments();
      m.apiCalls.add(1, metricAttributes);
      m.apiCallDuration.record((performance.now() - started) / 1000, metricAttributes);
    };
    const fail = (error: unknown): never => {
      markExternalServiceError(error, { system, operation });
      const e = toError(error);
      span.recordException(e);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      finish('failed', e.name || 'Error');
      throw error;
    };
    return context.with(trace.setSpan(this.context, span), async () => {
      let result: T;
      try {
        result = await fn();
      } catch (error) {
        return fail(error);
      }
      finish('succeeded');
      return result;
    });
  }

  /** Seconds since the phase started (until its end, once ended). */
  elapsedSeconds(): number {
    return ((this.endedAt ?? performance.now()) - this.startedAt) / 1000;
  }

  recordsPerSecond(): number {
    const seconds = this.elapsedSeconds();
    return seconds > 0 ? (this.processed + this.failed) / seconds : 0;
  }

  /** The most frequent failure reason so far. */
  topFailureReason(): string | undefined {
    let top: string | undefined;
    let topCount = 0;
    for (const [reason, { count }] of this.reasons) {
      if (count > topCount) {
        top = reason;
        topCount = count;
      }
    }
    return top;
  }

  /** Flushes pending counts to the records counter; the run then decides whether progress is due. */
  checkpoint(): void {
    this.untilCheckpoint = this.host.batchSize;
    this.processedTotal.value += this.pendingProcessed;
    this.failedTotal.value += this.pendingFailed;
    this.processedCount += this.pendingProcessed;
    this.failedCount += this.pendingFailed;
    this.pendingProcessed = 0;
    this.pendingFailed = 0;
    this.host.onCheckpoint(this);
  }

  /** Writes the counts and rate to the phase span (throttled by the run). */
  updateSpan(): void {
    this.span.setAttributes({
      [ATTR.recordsProcessed]: this.processed,
      [ATTR.recordsFailed]: this.failed,
      [ATTR.throughput]: round(this.recordsPerSecond()),
    });
  }

  /** Ends the phase (idempotent); `error` marks it failed. */
  end(outcome: PhaseOutcome = 'succeeded', error?: unknown): void {
    if (this.outcomeValue !== undefined) return;
    this.checkpoint();
    this.outcomeValue = outcome;
    this.endedAt = performance.now();
    const seconds = this.elapsedSeconds();
    const heapUsed = process.memoryUsage().heapUsed;
    const reason = this.topFailureReason();
    this.updateSpan();
    this.span.setAttributes({ [ATTR.outcome]: outcome, [ATTR.memoryBytes]: heapUsed, ...(reason ? { [ATTR.failureReason]: reason } : {}) });
    if (error !== undefined) {
      const e = toError(error);
      this.span.recordException(e);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
    } else if (outcome === 'failed') {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: reason ?? 'phase failed' });
    }
    this.span.end();

    const common: Attributes = { [ATTR.phase]: this.name };
    if (this.host.template !== undefined) common[ATTR.template] = this.host.template;
    const m = migrationInstruments();
    m.phaseDuration.record(seconds, { ...common, [ATTR.outcome]: outcome });
    m.throughput.record(this.recordsPerSecond(), common);
    m.memory.record(heapUsed, { [ATTR.phase]: this.name });
    this.host.onPhaseEnd(this);
  }

  private tally(reason: string, n: number): void {
    if (reason === this.lastReason) {
      this.lastTally.count += n;
      return;
    }
    let tally = this.reasons.get(reason);
    if (tally === undefined) {
      const key = this.reasons.size < MAX_REASONS ? reason : OTHER_REASON;
      tally = this.reasons.get(key) ?? { count: 0 };
      this.reasons.set(key, tally);
    }
    tally.count += n;
    this.lastReason = reason;
    this.lastTally = tally;
  }
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
