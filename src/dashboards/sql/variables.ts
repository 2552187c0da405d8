/** SQL of the dashboards' query variables (run by the plugin with the dashboard's time range). */

export const VARIABLE_SQL = {
  services: `SELECT DISTINCT name FROM (
  SELECT ServiceName AS name FROM otel_traces WHERE $__timeFilter(Timestamp)
  UNION ALL
  SELECT ServiceName AS name FROM otel_logs WHERE $__timeFilter(Timestamp)
) WHERE name != '' ORDER BY name`,

  environments: `SELECT DISTINCT name FROM (
  SELECT ResourceAttributes['deployment.environment.name'] AS name FROM otel_traces WHERE $__timeFilter(Timestamp)
  UNION ALL
  SELECT ResourceAttributes['deployment.environment.name'] AS name FROM otel_logs WHERE $__timeFilter(Timestamp)
) WHERE name != '' ORDER BY name`,

  routes: `SELECT DISTINCT SpanAttributes['http.route'] AS route
FROM otel_traces
WHERE $__timeFilter(Timestamp)
  AND SpanKind = 'Server'
  AND SpanAttributes['http.route'] != ''
  AND $__conditionalAll(ServiceName IN ($service), $service)
ORDER BY route`,
} as const;
