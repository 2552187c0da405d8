/**
 * A collector or store that is down must cost the app nothing and say so once, not once per batch. The reporter
 * says it through OTel's diag logger at most once per interval (with the number of batches lost meanwhile), and
 * says once when it works again. In the core because both the SDK's export wrappers (src/sdk/export-failures.ts)
 * and the store's exporters (src/store) report through it, and the store must not import the SDK.
 */
import { diag } from '@opentelemetry/api';
import { describeError } from './errors.js';

export const FAILURE_REPORT_INTERVAL_MS = 60_000;

export class ExportFailureReporter {
  private lastReportAt: number | undefined;
  private lostSinceReport = 0;
  private failing = false;

  constructor(
    /** What fails, as the reader of the log should see it: "traces export to http://collector:4318/v1/traces". */
    private readonly what: string,
    private readonly intervalMs = FAILURE_REPORT_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  failed(error: unknown): void {
    this.failing = true;
    const t = this.now();
    if (this.lastReportAt !== undefined && t - this.lastReportAt < this.intervalMs) {
      this.lostSinceReport++;
      return;
    }
    const lost = this.lostSinceReport ? ` (${this.lostSinceReport} more batches lost since the last report)` : '';
    diag.warn(
      `tc9-observability: ${this.what} failed: ${describeError(error)}${lost}; the app is unaffected, ` +
        `further failures are reported at most every ${Math.round(this.intervalMs / 1000)} s`,
    );
    this.lastReportAt = t;
    this.lostSinceReport = 0;
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    const lost = this.lostSinceReport ? `; ${this.lostSinceReport} batches were lost since the last report` : '';
    diag.info(`tc9-observability: ${this.what} works again${lost}`);
    this.lastReportAt = undefined;
    this.lostSinceReport = 0;
  }
}
