/** Performance: RED per route, slowest operations, database time by Prisma operation, runtime health. */
import { buildDashboard } from '../dashboard.js';
import { PERFORMANCE_SQL as SQL } from '../sql/performance.js';
import { environmentVariable, routeVariable, sentryTraceUrlVariable, serviceVariable } from '../variables.js';
import { SENTRY_TRACE_URL_DEFAULT } from './common.js';

/** How the latency panels' percentiles are computed (sql/span-stats.ts), for their info tooltips. */
const TDIGEST =
  'merged t-digests (ClickHouse quantilesTDigest) of per-minute span statistics, approximate like quantile() itself: tested to lie within 0.02 of the level from the exact value (p95 between the exact p93 and p97).';
const TDIGEST_SHORT = 'merged t-digests, approximate';

export const performanceDashboard = () =>
  buildDashboard({
    uid: 'tc9-performance',
    title: 'Performance',
    description:
      'Request rate, errors and latency per route, slowest operations and database time (span statistics per minute, hour and day, from every span), event loop and memory.',
    tags: ['performance'],
    variables: [serviceVariable(), environmentVariable(), routeVariable(), sentryTraceUrlVariable(SENTRY_TRACE_URL_DEFAULT)],
    rows: [
      {
        title: 'Requests (RED)',
        panels: [
          {
            title: 'Request rate',
            kind: 'stat',
            sql: SQL.requestRateStat,
            unit: 'reqps',
            width: 8,
            height: 4,
            description: 'Server requests per second over the range (span statistics, exact).',
          },
          {
            title: 'Error rate',
            kind: 'stat',
            sql: SQL.errorRateStat,
            unit: 'percentunit',
            decimals: 2,
            width: 8,
            height: 4,
            thresholds: [
              [0, 'green'],
              [0.01, 'orange'],
              [0.05, 'red'],
            ],
            description: 'Share of server spans with status Error (5xx), over the range (exact).',
          },
          {
            title: 'p95 latency',
            kind: 'stat',
            sql: SQL.p95Stat,
            unit: 's',
            width: 8,
            height: 4,
            thresholds: [
              [0, 'green'],
              [0.5, 'orange'],
              [1, 'red'],
            ],
            description: `95th percentile of server span durations over the range: ${TDIGEST}`,
          },
          {
            title: 'Requests per second by route',
            kind: 'timeseries',
            sql: SQL.requestRate,
            unit: 'reqps',
            stacked: true,
            minInterval: '1m',
            description: 'Server spans per second, per http.route (span statistics, exact per interval).',
          },
          {
            title: 'Error rate by service',
            kind: 'timeseries',
            sql: SQL.errorRate,
            unit: 'percentunit',
            minInterval: '1m',
            description: 'Server spans with status Error / all server spans, per interval (exact).',
          },
          {
            title: 'Latency p50 / p95 / p99',
            kind: 'timeseries',
            sql: SQL.latencyPercentiles,
            unit: 's',
            minInterval: '1m',
            description: `Server span durations of the selected routes per interval: ${TDIGEST}`,
          },
          {
            title: 'p95 latency by route',
            kind: 'timeseries',
            sql: SQL.p95ByRoute,
            unit: 's',
            minInterval: '1m',
            description: `95th percentile of server span durations per http.route: ${TDIGEST}`,
          },
          {
            title: 'Routes: latency percentiles',
            kind: 'table',
            sql: SQL.routeLatencyTable,
            width: 24,
            description: `Requests, error rate (exact) and percentiles of server spans per route and method: ${TDIGEST}`,
            columnUnits: { ErrorRate: 'percentunit', p50_ms: 'ms', p95_ms: 'ms', p99_ms: 'ms' },
          },
        ],
      },
      {
        title: 'Where the time goes',
        panels: [
          {
            title: 'Slowest operations',
            kind: 'table',
            sql: SQL.slowestOperations,
            width: 24,
            description: `Operations of any span kind ranked by p95 (${TDIGEST_SHORT}); calls and max exact; the trace id is the slowest call's.`,
            traceIdColumns: ['TraceId'],
            columnUnits: { p95_ms: 'ms', max_ms: 'ms' },
          },
          {
            title: 'Database time by Prisma operation',
            kind: 'bars',
            sql: SQL.dbTimeByPrismaOperation,
            unit: 's',
            stacked: true,
            minInterval: '1m',
            description: 'Time spent in prisma:client:operation spans per interval, by model.method (exact).',
          },
          {
            title: 'Prisma operations',
            kind: 'table',
            sql: SQL.prismaOperations,
            description: `Calls, total time and errors (exact) and p95 (${TDIGEST_SHORT}) per Prisma operation.`,
            columnUnits: { TotalSeconds: 's', p95_ms: 'ms' },
          },
        ],
      },
      {
        title: 'Runtime',
        panels: [
          {
            title: 'Event loop delay',
            kind: 'timeseries',
            sql: SQL.eventLoopDelay,
            unit: 's',
            description: 'nodejs.eventloop.delay.p50/p90/p99 per service (runtime instrumentation).',
          },
          {
            title: 'Memory',
            kind: 'timeseries',
            sql: SQL.memory,
            unit: 'bytes',
            description: 'V8 heap used and heap limit (summed over heap spaces) and RSS, per service.',
          },
        ],
      },
    ],
  });
