/**
 * HTTP RED per route: from server spans (exact percentiles of Duration) and from the
 * http.server.request.duration histogram (percentiles interpolated in the buckets, Prometheus style).
 */
import { SERVICE, serviceFilter } from './params.js';
import type { NamedQuery } from './query.js';

const SERVER_SPANS = `SpanKind IN ('Server', 'SPAN_KIND_SERVER') AND $__timeFilter(Timestamp) AND ${serviceFilter('ServiceName')}`;
const ROUTE = `if(SpanAttributes['http.route'] != '', SpanAttributes['http.route'], SpanName)`;
const STATUS = `toUInt16OrZero(SpanAttributes['http.response.status_code'])`;
/**
 * A failed request is the server's failure: a 5xx answer, or an error status on a span that did not answer 4xx.
 * A 4xx is the client's (OTel's HTTP conventions leave such SERVER spans unset; other SDKs may not), counted on
 * its own as client_errors.
 */
const FAILED = `(${STATUS} >= 500 OR (StatusCode IN ('Error', 'STATUS_CODE_ERROR') AND NOT (${STATUS} BETWEEN 400 AND 499)))`;
const CLIENT_ERROR = `${STATUS} BETWEEN 400 AND 499`;

export const httpRouteLatency: NamedQuery = {
  name: 'http_route_latency',
  description:
    'Requests, server errors (5xx) and their rate, client errors (4xx), and p50/p95/p99 latency (ms) per route and method, from server spans',
  params: [SERVICE],
  columns: ['route', 'method', 'requests', 'errors', 'error_rate', 'client_errors', 'p50_ms', 'p95_ms', 'p99_ms'],
  sql: `
SELECT
    ${ROUTE} AS route,
    SpanAttributes['http.request.method'] AS method,
    count() AS requests,
    countIf(${FAILED}) AS errors,
    errors / requests AS error_rate,
    countIf(${CLIENT_ERROR}) AS client_errors,
    quantile(0.5)(Duration) / 1e6 AS p50_ms,
    quantile(0.95)(Duration) / 1e6 AS p95_ms,
    quantile(0.99)(Duration) / 1e6 AS p99_ms
FROM otel_traces
WHERE ${SERVER_SPANS}
GROUP BY route, method
ORDER BY requests DESC`,
};

export const httpRedOverTime: NamedQuery = {
  name: 'http_red_over_time',
  description: 'Request rate (per second), error rate and p95 latency (ms) per time bucket, from server spans',
  params: [SERVICE, { name: 'route', type: 'String', description: 'http.route to filter on; empty for all', default: '' }],
  columns: ['time', 'requests_per_s', 'error_rate', 'p95_ms'],
  sql: `
SELECT
    $__timeInterval(Timestamp) AS time,
    count() / $__interval_s AS requests_per_s,
    countIf(${FAILED}) / count() AS error_rate,
    quantile(0.95)(Duration) / 1e6 AS p95_ms
FROM otel_traces
WHERE ${SERVER_SPANS} AND ({route:String} = '' OR ${ROUTE} = {route:String})
GROUP BY time
ORDER BY time`,
};

/**
 * Bucket counts per series within the range: delta points are summed; a cumulative series contributes
 * its last point minus its first (or its last point if it started inside the range).
 */
const HISTOGRAM_SERIES = `
    SELECT
        any(Attributes) AS attrs,
        ExplicitBounds AS bounds,
        if(AggregationTemporality = 2,
           if(min(StartTimeUnix) >= $__fromTime,
              arrayMap(c -> toInt64(c), argMax(BucketCounts, TimeUnix)),
              arrayMap((last, first) -> toInt64(last) - toInt64(first), argMax(BucketCounts, TimeUnix), argMin(BucketCounts, TimeUnix))),
           arrayMap(c -> toInt64(c), sumForEach(BucketCounts))) AS counts
    FROM otel_metrics_histogram
    WHERE MetricName = 'http.server.request.duration' AND $__timeFilter(TimeUnix) AND ${serviceFilter('ServiceName')}
    GROUP BY ServiceName, cityHash64(ResourceAttributes), cityHash64(Attributes), bounds, AggregationTemporality,
             if(AggregationTemporality = 2, StartTimeUnix, toDateTime64(0, 9))`;

export const httpRouteLatencyFromMetrics: NamedQuery = {
  name: 'http_route_latency_from_metrics',
  description: 'Requests, error rate and p50/p95/p99 latency (ms) per route and method, from the http.server.request.duration histogram',
  params: [SERVICE],
  columns: ['route', 'method', 'requests', 'errors', 'error_rate', 'p50_ms', 'p95_ms', 'p99_ms'],
  sql: `
WITH series AS (${HISTOGRAM_SERIES}
),
routes AS (
    SELECT
        attrs['http.route'] AS route,
        attrs['http.request.method'] AS method,
        bounds,
        sumForEach(counts) AS route_counts,
        sumIf(arraySum(counts), toUInt16OrZero(attrs['http.response.status_code']) >= 500 OR attrs['error.type'] != '') AS route_errors
    FROM series
    GROUP BY route, method, bounds
)
SELECT route, method, requests, errors, errors / requests AS error_rate, q[1] * 1000 AS p50_ms, q[2] * 1000 AS p95_ms, q[3] * 1000 AS p99_ms
FROM (
    SELECT
        route,
        method,
        any(arraySum(route_counts)) AS requests,
        any(route_errors) AS errors,
        quantilesPrometheusHistogram(0.5, 0.95, 0.99)(bucket.1, bucket.2) AS q
    FROM routes
    ARRAY JOIN arrayZip(arrayConcat(bounds, [inf]), arrayMap(c -> toFloat64(c), arrayCumSum(route_counts))) AS bucket
    GROUP BY route, method, bounds
)
ORDER BY requests DESC`,
};
