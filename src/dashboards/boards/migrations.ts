/** Migrations: runs, success rate, throughput and duration per phase, failures, runs in progress. */
import { buildDashboard } from '../dashboard.js';
import { MIGRATIONS_SQL as SQL } from '../sql/migrations.js';
import { NAMED_SQL } from '../sql/named.js';
import { sentryTraceUrlVariable } from '../variables.js';
import { SENTRY_TRACE_URL_DEFAULT } from './common.js';

export const migrationsDashboard = () =>
  buildDashboard({
    uid: 'tc9-migrations',
    title: 'Migrations',
    description: 'Migration runs from migration.run / migration.phase spans: outcomes, throughput, phase durations, failures and progress.',
    tags: ['migrations'],
    from: 'now-24h',
    variables: [sentryTraceUrlVariable(SENTRY_TRACE_URL_DEFAULT)],
    rows: [
      {
        title: 'Runs',
        panels: [
          { title: 'Runs', kind: 'stat', sql: SQL.runTotals, width: 16, height: 4, description: 'Runs started in the range, by outcome.' },
          {
            title: 'Success rate',
            kind: 'stat',
            sql: SQL.successRateStat,
            unit: 'percentunit',
            decimals: 1,
            width: 8,
            height: 4,
            thresholds: [
              [0, 'red'],
              [0.8, 'orange'],
              [0.95, 'green'],
            ],
            description: 'Succeeded / (succeeded + failed); cancelled runs do not count.',
          },
          {
            title: 'Runs by outcome',
            kind: 'bars',
            sql: SQL.runsOverTime,
            stacked: true,
            description: 'Finished runs per interval, by outcome.',
          },
          {
            title: 'Success rate over time',
            kind: 'timeseries',
            sql: SQL.successRate,
            unit: 'percentunit',
            description: 'Per interval, of runs that succeeded or failed.',
          },
        ],
      },
      {
        title: 'Phases',
        panels: [
          {
            title: 'Throughput per phase',
            kind: 'timeseries',
            sql: SQL.throughputPerPhase,
            unit: 'short',
            description: 'Records processed per second of phase time, per phase (extract, transform, load).',
          },
          {
            title: 'Phase duration p95',
            kind: 'timeseries',
            sql: SQL.phaseDurationTrend,
            unit: 's',
            description: '95th percentile of phase span durations per interval.',
          },
          {
            title: 'Phase breakdown',
            kind: 'table',
            sql: NAMED_SQL.migrationPhaseBreakdown,
            description: 'Per phase: executions, time and its share, p95, records and throughput (named query migration_phase_breakdown).',
            columnUnits: { total_s: 's', share: 'percentunit', avg_ms: 'ms', p95_ms: 'ms' },
          },
          {
            title: 'Throughput by template',
            kind: 'table',
            sql: NAMED_SQL.migrationThroughput,
            description: 'Per template: runs, success rate, records and records per second (named query migration_throughput).',
            columnUnits: { success_rate: 'percentunit', p95_duration_s: 's' },
          },
        ],
      },
      {
        title: 'Failures and progress',
        panels: [
          {
            title: 'Failed runs by reason',
            kind: 'barchart',
            sql: SQL.failuresByReason,
            description: 'tc9.migration.failure_reason of failed runs.',
          },
          {
            title: 'Running migrations',
            kind: 'table',
            sql: SQL.runningMigrations,
            description: 'Runs whose phases have reported but whose run has not finished; progress = phases done / 3.',
            traceIdColumns: ['TraceId'],
            columnUnits: { Progress: 'percentunit' },
          },
          {
            title: 'Recent runs',
            kind: 'table',
            sql: SQL.recentRuns,
            width: 24,
            description: 'Latest runs with outcome, size and duration; the trace id opens the run in Sentry.',
            traceIdColumns: ['TraceId'],
            columnUnits: { DurationSeconds: 's' },
          },
        ],
      },
    ],
  });
