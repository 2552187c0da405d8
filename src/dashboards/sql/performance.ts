/**
 * SQL of the Performance dashboard, one text per panel. RED time series read the collector's span metrics
 * (every span, before tail sampling; delta sums per 15 s); tables read the spans for exact percentiles and a
 * trace id to open.
 */
import { METRIC_FILTER, METRIC_ROUTE_FILTER, OTEL_FILTER, ROUTE_FILTER } from './filters.js';
import { RUNTIME_METRICS, SPAN_METRICS } from './metric-names.js';

const list = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

const SERVER_CALLS = `MetricName = '${SPAN_METRICS.calls}'
  AND Attributes['span.kind'] = '${SPAN_METRICS.serverKind}'
  AND AggregationTemporality = ${SPAN_METRICS.deltaTemporality}`;

const SERVER_DURATION = `MetricName = '${SPAN_METRICS.duration}'
  AND Attributes['span.kind'] = '${SPAN_METRICS.serverKind}'
  AND AggregationTemporality = ${SPAN_METRICS.deltaTemporality}`;

const ROUTE_EXPR = `if(Attributes['http.route'] = '', '(no route)', Attributes['http.route'])`;

/** Histogram quantiles: buckets summed per group (delta points add up), then Prometheus-style interpolation. */
const quantilesFromBuckets = (groupColumns: string, select: string) => `SELECT ${groupColumns},
  ${select}
FROM (
  SELECT $__timeInterval(TimeUnix) AS time, ${groupColumns === 'time' ? '' : `${ROUTE_EXPR} AS route, `}sumForEach(BucketCounts) AS counts, any(ExplicitBounds) AS bounds
  FROM otel_metrics_histogram
  WHERE $__timeFilter(TimeUnix)
    AND ${SERVER_DURATION}
    AND ${METRIC_FILTER}
    AND ${METRIC_ROUTE_FILTER}
  GROUP BY ${groupColumns}
)
ARRAY JOIN arrayZip(arrayConcat(bounds, [inf]), arrayCumSum(counts)) AS bucket
GROUP BY ${groupColumns}
ORDER BY ${groupColumns}`;

export const PERFORMANCE_SQL = {
  requestRateStat: `SELECT sum(Value) / greatest(dateDiff('second', $__fromTime, $__toTime), 1) AS requests_per_second
FROM otel_metrics_sum
WHERE $__timeFilter(TimeUnix)
  AND ${SERVER_CALLS}
  AND ${METRIC_FILTER}
  AND ${METRIC_ROUTE_FILTER}`,

  errorRateStat: `SELECT if(sum(Value) = 0, 0, sumIf(Value, Attributes['status.code'] = '${SPAN_METRICS.errorStatus}') / sum(Value)) AS error_rate
FROM otel_metrics_sum
WHERE $__timeFilter(TimeUnix)
  AND ${SERVER_CALLS}
  AND ${METRIC_FILTER}
  AND ${METRIC_ROUTE_FILTER}`,

  p95Stat: `SELECT quantile(0.95)(Duration) / 1e9 AS p95_seconds
FROM otel_traces
WHERE $__timeFilter(Timestamp)
  AND SpanKind = 'Server'
  AND ${OTEL_FILTER}
  AND ${ROUTE_FILTER}`,

  requestRate: `SELECT $__timeInterval(TimeUnix) AS time,
  ${ROUTE_EXPR} AS route,
  sum(Value) / $__interval_s AS requests_per_second
FROM otel_metrics_sum
WHERE $__timeFilter(TimeUnix)
  AND ${SERVER_CALLS}
  AND ${METRIC_FILTER}
  AND ${METRIC_ROUTE_FILTER}
GROUP BY time, route
ORDER BY time, route`,

  errorRate: `SELECT $__timeInterval(TimeUnix) AS time,
  ServiceName AS service,
  sumIf(Value, Attributes['status.code'] = '${SPAN_METRICS.errorStatus}') / sum(Value) AS error_rate
FROM otel_metrics_sum
WHERE $__timeFilter(TimeUnix)
  AND ${SERVER_CALLS}
  AND ${METRIC_FILTER}
  AND ${METRIC_ROUTE_FILTER}
GROUP BY time, service
ORDER BY time, service`,

  latencyPercentiles: quantilesFromBuckets(
    'time',
    `quantilePrometheusHistogram(0.5)(bucket.1, bucket.2) / 1000 AS p50,
  quantilePrometheusHistogram(0.95)(bucket.1, bucket.2) / 1000 AS p95,
  quantilePrometheusHistogram(0.99)(bucket.1, bucket.2) / 1000 AS p99`,
  ),

  p95ByRoute: quantilesFromBuckets('time, route', `quantilePrometheusHistogram(0.95)(bucket.1, bucket.2) / 1000 AS p95`),

  routeLatencyTable: `SELECT SpanAttributes['http.route'] AS Route,
  SpanAttributes['http.request.method'] AS Method,
  count() AS Requests,
  countIf(StatusCode = 'Error') / count() AS ErrorRate,
  quantile(0.5)(Duration) / 1e6 AS p50_ms,
  quantile(0.95)(Duration) / 1e6 AS p95_ms,
  quantile(0.99)(Duration) / 1e6 AS p99_ms
FROM otel_traces
WHERE $__timeFilter(Timestamp)
  AND SpanKind = 'Server'
  AND SpanAttributes['http.route'] != ''
  AND ${OTEL_FILTER}
  AND ${ROUTE_FILTER}
GROUP BY Route, Method
ORDER BY p95_ms DESC
LIMIT 50`,

  slowestOperations: `SELECT ServiceName AS Service,
  SpanName AS Operation,
  SpanKind AS Kind,
  count() AS Calls,
  quantile(0.95)(Duration) / 1e6 AS p95_ms,
  max(Duration) / 1e6 AS max_ms,
  argMax(TraceId, Duration) AS TraceId
FROM otel_traces
WHERE $__timeFilter(Timestamp)
  AND ${OTEL_FILTER}
GROUP BY Service, Operation, Kind
ORDER BY p95_ms DESC
LIMIT 20`,

  dbTimeByPrismaOperation: `SELECT $__timeInterval(Timestamp) AS time,
  if(SpanAttributes['name'] != '', SpanAttributes['name'], concat(SpanAttributes['model'], '.', SpanAttributes['method'])) AS operation,
  sum(Duration) / 1e9 AS db_seconds
FROM otel_traces
WHERE $__timeFilter(Timestamp)
  AND SpanName = 'prisma:client:operation'
  AND ${OTEL_FILTER}
GROUP BY time, operation
ORDER BY time, operation`,

  prismaOperations: `SELECT if(SpanAttributes['name'] != '', SpanAttributes['name'], concat(SpanAttributes['model'], '.', SpanAttributes['method'])) AS Operation,
  count() AS Calls,
  sum(Duration) / 1e9 AS TotalSeconds,
  quantile(0.95)(Duration) / 1e6 AS p95_ms,
  countIf(StatusCode = 'Error') AS Errors
FROM otel_traces
WHERE $__timeFilter(Timestamp)
  AND SpanName = 'prisma:client:operation'
  AND ${OTEL_FILTER}
GROUP BY Operation
ORDER BY TotalSeconds DESC
LIMIT 30`,

  eventLoopDelay: `SELECT $__timeInterval(TimeUnix) AS time,
  concat(ServiceName, ' ', replaceOne(MetricName, 'nodejs.eventloop.delay.', '')) AS series,
  max(Value) AS delay_seconds
FROM otel_metrics_gauge
WHERE $__timeFilter(TimeUnix)
  AND MetricName IN (${list(RUNTIME_METRICS.eventLoopDelay)})
  AND ${METRIC_FILTER}
GROUP BY time, series
ORDER BY time, series`,

  memory: `SELECT $__timeInterval(point) AS time,
  concat(service, ' ', metric) AS series,
  max(bytes) AS bytes
FROM (
  SELECT TimeUnix AS point,
    ServiceName AS service,
    ResourceAttributes['service.instance.id'] AS instance,
    multiIf(MetricName = '${RUNTIME_METRICS.heapUsed}', 'heap used', MetricName = '${RUNTIME_METRICS.heapLimit}', 'heap limit', 'rss') AS metric,
    sum(Value) AS bytes
  FROM otel_metrics_gauge
  WHERE $__timeFilter(TimeUnix)
    AND MetricName IN ('${RUNTIME_METRICS.heapUsed}', '${RUNTIME_METRICS.heapLimit}', '${RUNTIME_METRICS.rss}')
    AND ${METRIC_FILTER}
  GROUP BY point, service, instance, metric
)
GROUP BY time, series
ORDER BY time, series`,
} as const;
