/**
 * SQL of the Performance dashboard, one text per panel. Request, error, latency and database panels read the
 * span statistics tables (clickhouse/023-024 through sql/span-stats.ts: every span, per minute, hour and day),
 * so a 7-day panel merges day, hour or minute rows instead of scanning ten million spans. Counts, error
 * rates, totals and maxima are exact; percentiles come from merged t-digests (quantilesTDigest, within 0.02 of
 * the level from the exact value: tests/dashboards/span-stats.test.ts); the slowest operation's trace id is
 * its longest span's, kept in the rows. Runtime panels read the gauges.
 */
import { METRIC_FILTER, SPAN_STATS_FILTER, SPAN_STATS_ROUTE_FILTER } from './filters.js';
import { RUNTIME_METRICS } from './metric-names.js';
import { DURATION_QUANTILES, spanStatsByInterval, spanStatsOverRange } from './span-stats.js';

const list = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

const SERVER = `span_kind = 'Server'
    AND ${SPAN_STATS_FILTER}
    AND ${SPAN_STATS_ROUTE_FILTER}`;
const PRISMA = `span_name = 'prisma:client:operation'
    AND ${SPAN_STATS_FILTER}`;

export const PERFORMANCE_SQL = {
  requestRateStat: `SELECT sum(calls) / greatest(dateDiff('second', $__fromTime, $__toTime), 1) AS requests_per_second
FROM (${spanStatsOverRange(SERVER)})`,

  errorRateStat: `SELECT if(sum(calls) = 0, 0, sum(errors) / sum(calls)) AS error_rate
FROM (${spanStatsOverRange(SERVER)})`,

  p95Stat: `SELECT ${DURATION_QUANTILES}[2] / 1e9 AS p95_seconds
FROM (${spanStatsOverRange(SERVER)})`,

  requestRate: `SELECT $__timeInterval(start) AS time,
  if(route = '', '(no route)', route) AS route,
  sum(calls) / $__interval_s AS requests_per_second
FROM (${spanStatsByInterval(SERVER)})
GROUP BY time, route
ORDER BY time, route`,

  errorRate: `SELECT $__timeInterval(start) AS time,
  service,
  sum(errors) / sum(calls) AS error_rate
FROM (${spanStatsByInterval(SERVER)})
GROUP BY time, service
ORDER BY time, service`,

  latencyPercentiles: `SELECT $__timeInterval(start) AS time,
  ${DURATION_QUANTILES}[1] / 1e9 AS p50,
  ${DURATION_QUANTILES}[2] / 1e9 AS p95,
  ${DURATION_QUANTILES}[3] / 1e9 AS p99
FROM (${spanStatsByInterval(SERVER)})
GROUP BY time
ORDER BY time`,

  p95ByRoute: `SELECT $__timeInterval(start) AS time,
  if(route = '', '(no route)', route) AS route,
  ${DURATION_QUANTILES}[2] / 1e9 AS p95
FROM (${spanStatsByInterval(SERVER)})
GROUP BY time, route
ORDER BY time, route`,

  routeLatencyTable: `SELECT route AS Route,
  method AS Method,
  sum(calls) AS Requests,
  sum(errors) / sum(calls) AS ErrorRate,
  ${DURATION_QUANTILES}[1] / 1e6 AS p50_ms,
  ${DURATION_QUANTILES}[2] / 1e6 AS p95_ms,
  ${DURATION_QUANTILES}[3] / 1e6 AS p99_ms
FROM (${spanStatsOverRange(`${SERVER}
    AND route != ''`)})
GROUP BY Route, Method
ORDER BY p95_ms DESC
LIMIT 50`,

  slowestOperations: `SELECT service AS Service,
  span_name AS Operation,
  span_kind AS Kind,
  sum(calls) AS Calls,
  ${DURATION_QUANTILES}[2] / 1e6 AS p95_ms,
  max(duration_max) / 1e6 AS max_ms,
  argMaxMerge(slowest_trace) AS TraceId
FROM (${spanStatsOverRange(SPAN_STATS_FILTER)})
GROUP BY Service, Operation, Kind
ORDER BY p95_ms DESC
LIMIT 20`,

  dbTimeByPrismaOperation: `SELECT $__timeInterval(start) AS time,
  operation,
  sum(duration_sum) / 1e9 AS db_seconds
FROM (${spanStatsByInterval(PRISMA)})
GROUP BY time, operation
ORDER BY time, operation`,

  prismaOperations: `SELECT operation AS Operation,
  sum(calls) AS Calls,
  sum(duration_sum) / 1e9 AS TotalSeconds,
  ${DURATION_QUANTILES}[2] / 1e6 AS p95_ms,
  sum(errors) AS Errors
FROM (${spanStatsOverRange(PRISMA)})
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
