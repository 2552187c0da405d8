/** SQL of the dashboards' query variables (run by the plugin with the dashboard's time range). */
import { spanStatsOverRange } from './span-stats.js';

/**
 * Services and environments come from service_environments (clickhouse/021: one row per minute, source,
 * service and environment) instead of the resource maps of every span and log record. The minute prunes
 * the key; first_seen/last_seen keep the answer exact to the second, as $__timeFilter(Timestamp) was.
 */
const SEEN_IN_RANGE = `minute >= toStartOfMinute($__fromTime) AND minute <= $__toTime
  AND last_seen >= $__fromTime AND first_seen <= $__toTime`;

export const VARIABLE_SQL = {
  services: `SELECT DISTINCT service_name AS name
FROM service_environments
WHERE ${SEEN_IN_RANGE}
  AND service_name != ''
ORDER BY name`,

  environments: `SELECT DISTINCT environment AS name
FROM service_environments
WHERE ${SEEN_IN_RANGE}
  AND environment != ''
ORDER BY name`,

  // Routes of server spans, from the span statistics (sql/span-stats.ts) rather than every span's attributes.
  routes: `SELECT DISTINCT route
FROM (${spanStatsOverRange(`span_kind = 'Server' AND route != '' AND $__conditionalAll(service IN ($service), $service)`)})
ORDER BY route`,
} as const;
