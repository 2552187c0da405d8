/**
 * Keeps routine pg-pool.connect spans out of the export. The pg instrumentation starts one per query for the
 * wait on a pooled connection, which is a fraction of a millisecond while the pool has idle connections: a
 * quarter of all spans of a Prisma request, and a quarter of the export work, for a duration nobody reads.
 * Kept are the ones that say something: failed (the database connection errors alert counts them), slower
 * than the threshold (a pool running out of connections), or with a child span (a new connection's
 * pg.connect), so no exported span loses its parent.
 */
import { SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

const POOL_CONNECT = 'pg-pool.connect';
const PG_SCOPE = '@opentelemetry/instrumentation-pg';

export class PoolConnectSpanFilter implements SpanProcessor {
  /** pg-pool.connect spans a span was started under. */
  private readonly parents = new WeakSet<object>();

  /** `exporting` receives every span but the dropped ones; `minMs` is the threshold of a slow wait. */
  constructor(
    private readonly exporting: SpanProcessor,
    private readonly minMs: number,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpan(parentContext) as Partial<ReadableSpan> | undefined;
    if (parent?.name === POOL_CONNECT) this.parents.add(parent);
    this.exporting.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    this.exporting.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    if (this.isRoutine(span)) return;
    this.exporting.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.exporting.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.exporting.shutdown();
  }

  private isRoutine(span: ReadableSpan): boolean {
    if (span.name !== POOL_CONNECT || span.instrumentationScope.name !== PG_SCOPE) return false;
    if (span.status.code === SpanStatusCode.ERROR || this.parents.has(span)) return false;
    const [seconds, nanos] = span.duration;
    return seconds * 1e3 + nanos / 1e6 < this.minMs;
  }
}
