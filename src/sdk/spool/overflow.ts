/**
 * Log records the spool could not keep: counted in the tc9.spool.dropped counter (attribute reason) and
 * reported through diag at most once per interval (the first drop at once, later ones summed up when the
 * interval is over), and as a total on shutdown.
 *
 * Reasons: full (the spool reached its size bound, or too many writes were under way), rejected (the
 * collector refused a replayed batch as invalid).
 */
import { diag } from '@opentelemetry/api';
import { instruments } from '../../analytics/otel.js';
import { ATTR, METRIC } from '../../semconv.js';

const counter = instruments((meter) =>
  meter.createCounter(METRIC.spoolDropped, {
    description: 'Log records dropped because the disk spool was full or could not be written',
    unit: '{log_record}',
  }),
);

export type DropReason = 'full' | 'rejected';

export class SpoolOverflow {
  private total = 0;
  private unreported = new Map<DropReason, number>();
  private lastReportAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** How the spool is named in messages: "log spool /app/.tc9/spool/api (max 67108864 bytes)". */
    private readonly what: () => string,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Log records dropped so far by this process. */
  get dropped(): number {
    return this.total;
  }

  drop(records: number, reason: DropReason): void {
    this.total += records;
    this.unreported.set(reason, (this.unreported.get(reason) ?? 0) + records);
    counter().add(records, { [ATTR.spoolDropReason]: reason });
    const t = this.now();
    if (this.lastReportAt === undefined || t - this.lastReportAt >= this.intervalMs) {
      this.report();
      return;
    }
    this.timer ??= setTimeout(() => this.report(), this.lastReportAt + this.intervalMs - t);
    this.timer.unref();
  }

  /** Reports what is unreported and the total; call on shutdown. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.unreported.size > 0) this.report();
    if (this.total > 0) diag.warn(`tc9-observability: ${this.what()}: ${this.total} log records dropped in total by this process`);
  }

  private report(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.unreported.size === 0) return;
    const counts = [...this.unreported].map(([reason, n]) => `${n} ${reason}`).join(', ');
    diag.warn(
      `tc9-observability: ${this.what()}: log records dropped (${counts}; ${this.total} in total); ` +
        `further drops are reported at most every ${Math.round(this.intervalMs / 1000)} s`,
    );
    this.lastReportAt = this.now();
    this.unreported.clear();
  }
}
