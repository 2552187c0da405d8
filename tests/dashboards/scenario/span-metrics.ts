/**
 * What the collector's span_metrics connector makes of the seeded server spans: delta calls (sum) and a
 * duration histogram (ms, the buckets of otel-collector-config.yaml) per 15 s flush, with the connector's
 * dimensions and its proto-enum spellings. Computed by SQL from otel_traces, so the metrics always agree
 * with the spans of the scenario.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Store } from '../../../src/store/store.js';
import { SPAN_METRICS } from '../../../src/dashboards/sql/metric-names.js';

export const COLLECTOR_CONFIG_PATH = new URL('../../../otel-collector-config.yaml', import.meta.url);

/** "5ms", "1s", "1500ms" -> milliseconds. */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m)$/.exec(String(text).trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms'];
}

interface CollectorConfig {
  connectors: { span_metrics: { histogram: { unit: string; explicit: { buckets: string[] } } } };
}

/** The connector's explicit bucket bounds in milliseconds, as configured. */
export function collectorBucketsMs(): number[] {
  const config = parse(readFileSync(COLLECTOR_CONFIG_PATH, 'utf8')) as CollectorConfig;
  return config.connectors.span_metrics.histogram.explicit.buckets.map(durationMs);
}

const DIMENSIONS = `map(
    'span.name', SpanName,
    'span.kind', '${SPAN_METRICS.serverKind}',
    'status.code', multiIf(StatusCode = 'Error', '${SPAN_METRICS.errorStatus}', StatusCode = 'Ok', 'STATUS_CODE_OK', 'STATUS_CODE_UNSET'),
    'http.route', route,
    'http.request.method', method,
    'http.response.status_code', status)`;

const GROUPED = `FROM (
    SELECT *, toStartOfInterval(Timestamp, INTERVAL 15 SECOND) AS flush,
      SpanAttributes['http.route'] AS route, SpanAttributes['http.request.method'] AS method,
      SpanAttributes['http.response.status_code'] AS status
    FROM otel_traces WHERE SpanKind = 'Server')
  GROUP BY ServiceName, flush, SpanName, StatusCode, route, method, status`;

export async function deriveSpanMetrics(store: Store, boundsMs: readonly number[]): Promise<void> {
  const bounds = `[${boundsMs.map((b) => b.toFixed(3)).join(', ')}]`;
  await store.command(`INSERT INTO otel_metrics_sum
    (ResourceAttributes, ServiceName, MetricName, MetricUnit, Attributes, StartTimeUnix, TimeUnix, Value, AggregationTemporality, IsMonotonic)
  SELECT any(ResourceAttributes), ServiceName, '${SPAN_METRICS.calls}', '', ${DIMENSIONS},
    flush, flush + INTERVAL 15 SECOND, count(), ${SPAN_METRICS.deltaTemporality}, true
  ${GROUPED}`);
  await store.command(`INSERT INTO otel_metrics_histogram
    (ResourceAttributes, ServiceName, MetricName, MetricUnit, Attributes, StartTimeUnix, TimeUnix, Count, Sum, BucketCounts, ExplicitBounds, Min, Max, AggregationTemporality)
  SELECT resource, ServiceName, '${SPAN_METRICS.duration}', 'ms', attributes, flush, flush + INTERVAL 15 SECOND, n, total,
    arrayMap(i -> toUInt64(arrayCount(d -> d > if(i = 1, -inf, ${bounds}[i - 1]) AND d <= if(i <= length(${bounds}), ${bounds}[i], inf), durations)),
      range(1, length(${bounds}) + 2)),
    ${bounds}, low, high, ${SPAN_METRICS.deltaTemporality}
  FROM (
    SELECT any(ResourceAttributes) AS resource, ServiceName, ${DIMENSIONS} AS attributes, flush, count() AS n,
      sum(Duration) / 1e6 AS total, groupArray(Duration / 1e6) AS durations, min(Duration) / 1e6 AS low, max(Duration) / 1e6 AS high
    ${GROUPED})`);
}
