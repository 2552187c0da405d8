/**
 * The dashboard variables as SQL conditions, one fragment per table family. `$__conditionalAll` turns a
 * fragment into 1=1 when the variable is All, so "All" adds no filter at all.
 */

const env = (column: string) => `$__conditionalAll(${column} IN ($environment), $environment)`;
const service = (column: string) => `$__conditionalAll(${column} IN ($service), $service)`;

/** otel_traces and otel_logs: service and environment. */
export const OTEL_FILTER = `${service('ServiceName')}
  AND ${env("ResourceAttributes['deployment.environment.name']")}`;

/** The span statistics tables (span_minutes, span_hours, span_days; sql/span-stats.ts). */
export const SPAN_STATS_FILTER = `${service('service')}
    AND ${env('environment')}`;
export const SPAN_STATS_ROUTE_FILTER = `$__conditionalAll(route IN ($route), $route)`;

/** otel_metrics_*: service and environment from the resource. */
export const METRIC_FILTER = OTEL_FILTER;

/** The analytics tables (user_activities, application_errors): their own column names. */
export const ANALYTICS_FILTER = `${service('service_name')}
  AND ${env('environment')}`;
