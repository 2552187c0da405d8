/**
 * A collector that is down must cost the app nothing and say so once, not once per batch.
 * These wrappers report a failing exporter through the ExportFailureReporter (src/core/export-failures.ts):
 * through OTel's diag logger at most once per interval (with the number of batches lost meanwhile), and
 * recovery once.
 */
import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

// The reporter is in the core, shared with the store's exporters; re-exported for start() and the spool.
export { ExportFailureReporter, FAILURE_REPORT_INTERVAL_MS } from '../core/export-failures.js';

type Done = (result: ExportResult) => void;

/** What the wrappers below report to: an ExportFailureReporter, or an OutageReporter around one. */
export interface FailureSink {
  failed(error: unknown): void;
  succeeded(): void;
}

/**
 * The first failed attempt of an outage reported at once, through the reporter (same line, same rate
 * limit), instead of after the exporter's retries, which take up to OTEL_EXPORTER_OTLP_TIMEOUT (10 s) per
 * batch, and the batch delay comes first: a down collector used to be reported ~15 s late. Further failed
 * attempts of the same outage say nothing; a lost batch is reported (and counted) as before.
 */
export class OutageReporter implements FailureSink {
  private noticed = false;

  constructor(private readonly reporter: FailureSink) {}

  attemptFailed(error: unknown): void {
    if (this.noticed) return;
    this.noticed = true;
    this.reporter.failed(error);
  }

  failed(error: unknown): void {
    this.noticed = true;
    this.reporter.failed(error);
  }

  succeeded(): void {
    this.noticed = false;
    this.reporter.succeeded();
  }
}

/**
 * The batch processors answer a failed export by logging it again through the global error handler,
 * once per batch; the OTLP exporter has already retried, so the batch is lost either way. We report it
 * (rate-limited) and tell the processor the batch is dealt with.
 * The export runs with tracing suppressed: the metric reader does not do that itself, and the
 * exporter's own HTTP request would otherwise become a client span (which would be exported...).
 */
function exportReporting<T>(exportFn: (items: T, done: Done) => void, reporter: FailureSink) {
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

export function reportingSpanExporter(exporter: SpanExporter, reporter: FailureSink): SpanExporter {
  return {
    export: exportReporting<ReadableSpan[]>((s, d) => exporter.export(s, d), reporter),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

export function reportingLogExporter(exporter: LogRecordExporter, reporter: FailureSink): LogRecordExporter {
  return {
    export: exportReporting<ReadableLogRecord[]>((l, d) => exporter.export(l, d), reporter),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
}

export function reportingMetricExporter(exporter: PushMetricExporter, reporter: FailureSink): PushMetricExporter {
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
