/**
 * SQL of the alert rules. Alerting has no dashboard variables and no $__conditionalAll: only the plugin's
 * backend macros ($__timeFilter, $__timeInterval, $__toTime, ...) over the rule's relative time range.
 * Table queries return string label columns and exactly one number; time series a time column first.
 */
import { SPAN } from '../../semconv.js';
import { RUNTIME_METRICS, SPAN_METRICS } from './metric-names.js';

/** Fewer server calls than this in the window: too little traffic to judge an error rate. */
export const ERROR_RATE_MIN_CALLS = 20;
/** Fewer finished runs than this in the window: too few to judge a failure rate. */
export const MIGRATION_FAILURE_MIN_RUNS = 3;

export const ALERT_SQL = {
  errorRate: `SELECT ServiceName AS service,
  sumIf(Value, Attributes['status.code'] = '${SPAN_METRICS.errorStatus}') / sum(Value) AS error_rate
FROM otel_metrics_sum
WHERE $__timeFilter(TimeUnix)
  AND MetricName = '${SPAN_METRICS.calls}'
  AND Attributes['span.kind'] = '${SPAN_METRICS.serverKind}'
  AND AggregationTemporality = ${SPAN_METRICS.deltaTemporality}
GROUP BY service
HAVING sum(Value) >= ${ERROR_RATE_MIN_CALLS}`,

  p95Latency: `SELECT time, service,
  quantilePrometheusHistogram(0.95)(bucket.1, bucket.2) / 1000 AS p95_seconds
FROM (
  SELECT $__timeInterval(TimeUnix) AS time, ServiceName AS service, sumForEach(BucketCounts) AS counts, any(ExplicitBounds) AS bounds
  FROM otel_metrics_histogram
  WHERE $__timeFilter(TimeUnix)
    AND MetricName = '${SPAN_METRICS.duration}'
    AND Attributes['span.kind'] = '${SPAN_METRICS.serverKind}'
    AND AggregationTemporality = ${SPAN_METRICS.deltaTemporality}
  GROUP BY time, service
)
ARRAY JOIN arrayZip(arrayConcat(bounds, [inf]), arrayCumSum(counts)) AS bucket
GROUP BY time, service
ORDER BY time, service`,

  memory: `SELECT time, service, instance, max(used / heap_limit) AS heap_ratio
FROM (
  SELECT $__timeInterval(TimeUnix) AS time,
    ServiceName AS service,
    ResourceAttributes['service.instance.id'] AS instance,
    TimeUnix AS point,
    sumIf(Value, MetricName = '${RUNTIME_METRICS.heapUsed}') AS used,
    sumIf(Value, MetricName = '${RUNTIME_METRICS.heapLimit}') AS heap_limit
  FROM otel_metrics_gauge
  WHERE $__timeFilter(TimeUnix)
    AND MetricName IN ('${RUNTIME_METRICS.heapUsed}', '${RUNTIME_METRICS.heapLimit}')
  GROUP BY time, service, instance, point
  HAVING heap_limit > 0
)
GROUP BY time, service, instance
ORDER BY time, service, instance`,

  databaseConnectionErrors: `SELECT $__timeInterval(Timestamp) AS time,
  ServiceName AS service,
  count() AS connection_errors
FROM otel_traces
WHERE $__timeFilter(Timestamp)
  AND StatusCode = 'Error'
  AND (
    SpanName IN ('pg.connect', 'pg-pool.connect')
    OR (
      (SpanAttributes['db.system.name'] = 'postgresql' OR SpanAttributes['db.system'] = 'postgresql' OR startsWith(SpanName, 'prisma:'))
      AND match(StatusMessage, '(?i)ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|connect|connection|too many clients|terminat')
    )
  )
GROUP BY time, service
ORDER BY time, service`,

  migrationFailureRate: `SELECT service_name AS service,
  countIf(outcome = 'failed') / count() AS failure_rate
FROM migration_runs
WHERE $__timeFilter(ended_at)
  AND outcome IN ('succeeded', 'failed')
GROUP BY service
HAVING count() >= ${MIGRATION_FAILURE_MIN_RUNS}`,

  /**
   * Per monitor: runs reported 'missed' in the last hour, plus schedule slots without an 'ok' run. The
   * period is the median gap between ok runs over the window, so no crontab needs parsing; a slot counts as
   * missed once 1.5 periods have passed since the last ok run.
   */
  missedScheduledRuns: `SELECT monitor, toFloat64(missed + greatest(overdue, 0)) AS missed_runs
FROM (
  SELECT SpanAttributes['tc9.monitor.slug'] AS monitor,
    countIf(SpanAttributes['tc9.monitor.status'] = 'missed' AND Timestamp >= $__toTime - INTERVAL 1 HOUR) AS missed,
    arraySort(groupArrayIf(toUnixTimestamp(Timestamp), SpanAttributes['tc9.monitor.status'] = 'ok')) AS ok_runs,
    if(length(ok_runs) >= 2, arrayReduce('median', arrayPopFront(arrayDifference(ok_runs))), 0) AS period,
    if(period > 0, toInt64(floor((toUnixTimestamp($__toTime) - ok_runs[-1] - period / 2) / period)), 0) AS overdue
  FROM otel_traces
  WHERE $__timeFilter(Timestamp)
    AND SpanName = '${SPAN.monitorRun}'
    AND SpanAttributes['tc9.monitor.slug'] != ''
  GROUP BY monitor
)
ORDER BY monitor`,
} as const;
