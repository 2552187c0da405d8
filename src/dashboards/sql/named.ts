/**
 * Panels built on the ClickHouse helper's named queries (src/queries): their SQL with each {param:Type}
 * turned into a dashboard variable or a fixed SQL value (grafanaSql). Only queries whose parameters fit
 * the dashboards are used; the service-filtered ones take a single service, while our panels filter on
 * multi-value variables, so those panels keep their own SQL (sql/performance.ts, sql/errors.ts).
 */
import { EVENT } from '../../semconv.js';
import { findQuery, grafanaSql } from '../../queries/index.js';
import { FUNNEL_STEPS } from './journeys.js';

const ALL = "''";
/** Session-days of a range above which the Top paths panel reads a hash sample of the sessions (its description says so). */
const TOP_PATHS_SAMPLE_ABOVE = 200_000;
const stringArray = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

export const NAMED_SQL = {
  activeUsers: grafanaSql(findQuery('active_users')),
  activeUsersSummary: grafanaSql(findQuery('active_users_summary')),
  sessionStats: grafanaSql(findQuery('session_stats')),
  featureAdoption: grafanaSql(findQuery('feature_adoption')),
  funnel: grafanaSql(findQuery('funnel'), { steps: `[${stringArray(FUNNEL_STEPS)}]`, window_s: '86400' }),
  topPaths: grafanaSql(findQuery('top_paths'), { from_step: ALL, limit: '25', sample_above: String(TOP_PATHS_SAMPLE_ABOVE) }),
  retentionCohorts: grafanaSql(findQuery('retention_cohorts'), { period_days: '1', periods: '7' }),
  experimentConversion: grafanaSql(findQuery('experiment_conversion'), { conversion_event: `'${EVENT.migrationExecuted}'` }),
  migrationThroughput: grafanaSql(findQuery('migration_throughput'), { template: ALL }),
  migrationPhaseBreakdown: grafanaSql(findQuery('migration_phase_breakdown'), { template: ALL, run_id: ALL }),
} as const;
