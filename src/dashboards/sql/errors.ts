/**
 * SQL of the Errors dashboard. application_errors holds one row per classified error (EventName 'tc9.error',
 * clickhouse/011); otel_traces gives the failed requests behind them. Trace ids link to Sentry's trace view.
 */
import { ANALYTICS_FILTER, OTEL_FILTER } from './filters.js';

export const ERRORS_SQL = {
  totals: `SELECT count() AS Errors,
  uniqExact(fingerprint) AS ErrorGroups,
  uniqExactIf(user_id, user_id != '') AS UsersAffected
FROM application_errors
WHERE $__timeFilter(created_at)
  AND ${ANALYTICS_FILTER}`,

  byCategory: `SELECT $__timeInterval(created_at) AS time,
  if(category = '', 'uncategorised', category) AS category,
  count() AS errors
FROM application_errors
WHERE $__timeFilter(created_at)
  AND ${ANALYTICS_FILTER}
GROUP BY time, category
ORDER BY time, category`,

  bySeverity: `SELECT $__timeInterval(created_at) AS time,
  if(severity = '', 'unknown', severity) AS severity,
  count() AS errors
FROM application_errors
WHERE $__timeFilter(created_at)
  AND ${ANALYTICS_FILTER}
GROUP BY time, severity
ORDER BY time, severity`,

  topGroups: `SELECT fingerprint AS Fingerprint,
  any(error_type) AS Type,
  any(error_message) AS Message,
  any(category) AS Category,
  argMax(severity, created_at) AS Severity,
  count() AS Events,
  uniqExactIf(user_id, user_id != '') AS UsersAffected,
  argMax(release, created_at) AS LatestRelease,
  arrayStringConcat(arraySort(groupUniqArray(5)(release)), ', ') AS Releases,
  min(created_at) AS FirstSeen,
  max(created_at) AS LastSeen,
  argMax(trace_id, created_at) AS TraceId
FROM application_errors
WHERE $__timeFilter(created_at)
  AND ${ANALYTICS_FILTER}
GROUP BY Fingerprint
ORDER BY Events DESC, LastSeen DESC
LIMIT 50`,

  byRelease: `SELECT if(release = '', '(unknown)', release) AS Release,
  count() AS Errors,
  uniqExact(fingerprint) AS ErrorGroups
FROM application_errors
WHERE $__timeFilter(created_at)
  AND ${ANALYTICS_FILTER}
GROUP BY Release
ORDER BY Errors DESC
LIMIT 20`,

  recentErrors: `SELECT created_at AS Time,
  service_name AS Service,
  error_type AS Type,
  error_message AS Message,
  category AS Category,
  severity AS Severity,
  release AS Release,
  url_path AS Path,
  trace_id AS TraceId
FROM application_errors
WHERE $__timeFilter(created_at)
  AND ${ANALYTICS_FILTER}
ORDER BY created_at DESC
LIMIT 100`,

  failedRequests: `SELECT Timestamp AS Time,
  ServiceName AS Service,
  SpanName AS Operation,
  SpanAttributes['http.response.status_code'] AS Status,
  StatusMessage AS Message,
  Duration / 1e6 AS DurationMs,
  TraceId
FROM otel_traces
WHERE $__timeFilter(Timestamp)
  AND SpanKind = 'Server'
  AND StatusCode = 'Error'
  AND ${OTEL_FILTER}
ORDER BY Timestamp DESC
LIMIT 100`,
} as const;
