/** Performance: RED per route, slowest operations, database time by Prisma operation, runtime health. */
import { buildDashboard } from '../dashboard.js';
import { PERFORMANCE_SQL as SQL } from '../sql/performance.js';
import { environmentVariable, routeVariable, sentryTraceUrlVariable, serviceVariable } from '../variables.js';
import { SENTRY_TRACE_URL_DEFAULT } from './common.js';

export const performanceDashboard = () =>
  buildDashboard({
    uid: 'tc9-performance',
    title: 'Performance',
    description: 'Request rate, errors and latency per route (span metrics, every span), slowest operations, database time, event loop and memory.',
    tags: ['performance'],
    variables: [serviceVariable(), environmentVariable(), routeVariable(), sentryTraceUrlVariable(SENTRY_TRACE_URL_DEFAULT)],
    rows: [
      {
        title: 'Requests (RED)',
        panels: [
          { title: 'Request rate', kind: 'stat', sql: SQL.requestRateStat, unit: 'reqps', width: 8, height: 4, description: 'Server requests per second over the range (span metrics).' },
          { title: 'Error rate', kind: 'stat', sql: SQL.errorRateStat, unit: 'percentunit', decimals: 2, width: 8, height: 4, thresholds: [[0, 'green'], [0.01, 'orange'], [0.05, 'red']], description: 'Share of server spans with status Error (5xx), over the range.' },
          { title: 'p95 latency', kind: 'stat', sql: SQL.p95Stat, unit: 's', width: 8, height: 4, thresholds: [[0, 'green'], [0.5, 'orange'], [1, 'red']], description: 'Exact 95th percentile of server span durations over the range.' },
          { title: 'Requests per second by route', kind: 'timeseries', sql: SQL.requestRate, unit: 'reqps', stacked: true, description: 'traces.span.metrics.calls of server spans, per http.route.' },
          { title: 'Error rate by service', kind: 'timeseries', sql: SQL.errorRate, unit: 'percentunit', description: 'Server spans with status Error / all server spans, per interval.' },
          { title: 'Latency p50 / p95 / p99', kind: 'timeseries', sql: SQL.latencyPercentiles, unit: 's', description: 'Interpolated from the span-metrics duration histogram (ms buckets) of the selected routes.' },
          { title: 'p95 latency by route', kind: 'timeseries', sql: SQL.p95ByRoute, unit: 's', description: 'Per http.route, interpolated from the span-metrics histogram.' },
          { title: 'Routes: latency percentiles', kind: 'table', sql: SQL.routeLatencyTable, width: 24, description: 'Exact percentiles from server spans per route and method.', columnUnits: { ErrorRate: 'percentunit', p50_ms: 'ms', p95_ms: 'ms', p99_ms: 'ms' } },
        ],
      },
      {
        title: 'Where the time goes',
        panels: [
          { title: 'Slowest operations', kind: 'table', sql: SQL.slowestOperations, width: 24, description: 'Operations of any span kind ranked by p95; the trace id is the slowest call.', traceIdColumns: ['TraceId'], columnUnits: { p95_ms: 'ms', max_ms: 'ms' } },
          { title: 'Database time by Prisma operation', kind: 'bars', sql: SQL.dbTimeByPrismaOperation, unit: 's', stacked: true, description: 'Time spent in prisma:client:operation spans per interval, by model.method.' },
          { title: 'Prisma operations', kind: 'table', sql: SQL.prismaOperations, description: 'Calls, total time and p95 per Prisma operation.', columnUnits: { TotalSeconds: 's', p95_ms: 'ms' } },
        ],
      },
      {
        title: 'Runtime',
        panels: [
          { title: 'Event loop delay', kind: 'timeseries', sql: SQL.eventLoopDelay, unit: 's', description: 'nodejs.eventloop.delay.p50/p90/p99 per service (runtime instrumentation).' },
          { title: 'Memory', kind: 'timeseries', sql: SQL.memory, unit: 'bytes', description: 'V8 heap used and heap limit (summed over heap spaces) and RSS, per service.' },
        ],
      },
    ],
  });
