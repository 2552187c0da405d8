/**
 * Migration runs and phases (the migration_runs / migration_phases tables fed from the run and phase spans).
 * Output columns reuse the table's column names, so sums must read columns, not their own aliases.
 */
import type { NamedQuery, QueryParam } from './query.js';

const TEMPLATE: QueryParam = { name: 'template', type: 'String', description: 'migration template; empty for all', default: '' };
const templateFilter = `({template:String} = '' OR template = {template:String})`;

export const migrationThroughput: NamedQuery = {
  name: 'migration_throughput',
  description: 'Per template: runs, outcomes, success rate, records and throughput (records per second of run time)',
  params: [TEMPLATE],
  columns: [
    'template',
    'runs',
    'succeeded',
    'failed',
    'success_rate',
    'records_processed',
    'records_failed',
    'records_per_second',
    'p95_duration_s',
  ],
  sql: `
SELECT
    template,
    count() AS runs,
    countIf(outcome = 'succeeded') AS succeeded,
    countIf(outcome = 'failed') AS failed,
    succeeded / runs AS success_rate,
    sum(records_processed) AS records_processed,
    sum(records_failed) AS records_failed,
    if(sum(duration_ms) > 0, sum(records_processed) / (sum(duration_ms) / 1000), 0) AS records_per_second,
    quantile(0.95)(duration_ms) / 1000 AS p95_duration_s
FROM migration_runs
WHERE $__timeFilter(started_at) AND ${templateFilter}
GROUP BY template
ORDER BY runs DESC
SETTINGS prefer_column_name_to_alias = 1`,
};

export const migrationRunsOverTime: NamedQuery = {
  name: 'migration_runs_over_time',
  description: 'Runs started, failed runs and records processed per time bucket',
  params: [TEMPLATE],
  columns: ['time', 'runs', 'failed', 'records_processed'],
  sql: `
SELECT
    $__timeInterval(started_at) AS time,
    count() AS runs,
    countIf(outcome = 'failed') AS failed,
    sum(records_processed) AS records_processed
FROM migration_runs
WHERE $__timeFilter(started_at) AND ${templateFilter}
GROUP BY time
ORDER BY time`,
};

export const migrationPhaseBreakdown: NamedQuery = {
  name: 'migration_phase_breakdown',
  description: 'Per phase: executions, time spent and its share of all phase time, p95 duration, records and throughput',
  params: [TEMPLATE, { name: 'run_id', type: 'String', description: 'one run; empty for all', default: '' }],
  columns: ['phase', 'executions', 'failed', 'total_s', 'share', 'avg_ms', 'p95_ms', 'records_processed', 'records_per_second'],
  sql: `
SELECT
    phase,
    count() AS executions,
    countIf(outcome = 'failed') AS failed,
    sum(duration_ms) / 1000 AS total_s,
    sum(duration_ms) / sum(sum(duration_ms)) OVER () AS share,
    avg(duration_ms) AS avg_ms,
    quantile(0.95)(duration_ms) AS p95_ms,
    sum(records_processed) AS records_processed,
    if(sum(duration_ms) > 0, sum(records_processed) / (sum(duration_ms) / 1000), 0) AS records_per_second
FROM migration_phases
WHERE $__timeFilter(started_at) AND ${templateFilter} AND ({run_id:String} = '' OR run_id = {run_id:String})
GROUP BY phase
ORDER BY total_s DESC
SETTINGS prefer_column_name_to_alias = 1`,
};
