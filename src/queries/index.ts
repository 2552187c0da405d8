/** Every named query, by name (dashboards, CLI and tests share these). */
import { dbOperationLatency } from './db.js';
import { activeUsers, activeUsersSummary, sessionStats } from './engagement.js';
import { errorGroups, errorsByRelease, errorsOverTime } from './errors.js';
import { experimentConversion } from './experiments.js';
import { featureAdoption } from './features.js';
import { funnel } from './funnels.js';
import { httpRedOverTime, httpRouteLatency, httpRouteLatencyFromMetrics } from './http.js';
import { migrationPhaseBreakdown, migrationRunsOverTime, migrationThroughput } from './migrations.js';
import { topPaths } from './paths.js';
import type { NamedQuery } from './query.js';
import { retentionCohorts } from './retention.js';

export { expandMacros, type TimeRange } from './macros.js';
export { bindParams, grafanaSql, runQuery, type NamedQuery, type QueryParam, type RunOptions } from './query.js';

export const QUERIES: readonly NamedQuery[] = [
  httpRouteLatency,
  httpRedOverTime,
  httpRouteLatencyFromMetrics,
  dbOperationLatency,
  migrationThroughput,
  migrationRunsOverTime,
  migrationPhaseBreakdown,
  errorGroups,
  errorsByRelease,
  errorsOverTime,
  activeUsers,
  activeUsersSummary,
  sessionStats,
  featureAdoption,
  funnel,
  topPaths,
  retentionCohorts,
  experimentConversion,
];

export function findQuery(name: string): NamedQuery {
  const query = QUERIES.find((q) => q.name === name);
  if (!query) throw new Error(`tc9-observability: no query named "${name}" (known: ${QUERIES.map((q) => q.name).join(', ')})`);
  return query;
}
