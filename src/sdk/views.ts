/**
 * Metric views: HTTP request durations get the contract's bucket boundaries (src/semconv.ts), so the
 * percentiles the dashboards interpolate are accurate in the range that matters.
 */
import { AggregationType, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { DURATION_BUCKETS_SECONDS, METRIC } from '../semconv.js';

export function createViews(): ViewOptions[] {
  return [METRIC.httpServerDuration, METRIC.httpClientDuration].map((instrumentName) => ({
    instrumentName,
    aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: DURATION_BUCKETS_SECONDS } },
  }));
}
