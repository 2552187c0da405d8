/**
 * A collector that is down must cost the app nothing and say so once, not once per batch.
 * These wrappers report a failing exporter through OTel's diag logger at most once per interval
 * (with the number of batches lost meanwhile), and report recovery once.
 */
import { context, diag } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

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
      `tc9-observability: ${this.what} failed: ${describe(error)}${lost}; the app is unaffected, ` +
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

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return error === undefined ? 'unknown error' : String(error);
}

type Done = (result: ExportResult) => void;

/**
 * The batch processors answer a failed export by logging it again through the global error handler,
 * once per batch; the OTLP exporter has already retried, so the batch is lost either way. We report it
 * (rate-limited) and tell the processor the batch is dealt with.
 * The export runs with tracing suppressed: the metric reader does not do that itself, and the
 * exporter's own HTTP request would otherwise become a client span (which would be exported...).
 */
function exportReporting<T>(exportFn: (items: T, done: Done) => void, reporter: ExportFailureReporter) {
  return (items: T, done: Done): void => {
    try {
      context.with(suppressTracing(context.active()), () =>
        exportFn(items, (result) => {
          if (result.code === ExportResultCode.SUCCESS) reporter.succeeded();
          else reporter.failed(result.error);
          done({ code: ExportResultCode.SUCCESS });
        }),
      );
    } catch (error) {
      reporter.failed(error);
      done({ code: ExportResultCode.SUCCESS });
    }
  };
}

export function reportingSpanExporter(exporter: SpanExporter, reporter: ExportFailureReporter): SpanExporter {
  return {
    export: exportReporting<ReadableSpan[]>((s, d) => exporter.export(s, d), reporter),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

export function reportingLogExporter(exporter: LogRecordExporter, reporter: ExportFailureReporter): LogRecordExporter {
  return {
    export: exportReporting<ReadableLogRecord[]>((l, d) => exporter.export(l, d), reporter),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
}

export function reportingMetricExporter(exporter: PushMetricExporter, reporter: ExportFailureReporter): PushMetricExporter {
  const wrapped: PushMetricExporter = {
    export: exportReporting<ResourceMetrics>((m, d) => exporter.export(m, d), reporter),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  // Temporality and aggregation choices must pass through, or the reader falls back to cumulative.
  if (exporter.selectAggregationTemporality) wrapped.selectAggregationTemporality = (t) => exporter.selectAggregationTemporality!(t);
  if (exporter.selectAggregation) wrapped.selectAggregation = (t) => exporter.selectAggregation!(t);
  return wrapped;
}
