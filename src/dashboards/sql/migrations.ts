/**
 * SQL of the Migrations dashboard. migration_runs / migration_phases are filled by materialized views from
 * the 'migration.run' and 'migration.phase <phase>' spans (clickhouse/015, 016); a run is "running" while its
 * phases have arrived but its run span has not. Throughput per template and the phase breakdown are named
 * queries (sql/named.ts).
 */

const PHASES = 3;

export const MIGRATIONS_SQL = {
  runTotals: `SELECT count() AS Runs,
  countIf(outcome = 'succeeded') AS Succeeded,
  countIf(outcome = 'failed') AS Failed,
  countIf(outcome = 'cancelled') AS Cancelled
FROM migration_runs
WHERE $__timeFilter(started_at)`,

  successRateStat: `SELECT if(countIf(outcome IN ('succeeded', 'failed')) = 0, 1,
  countIf(outcome = 'succeeded') / countIf(outcome IN ('succeeded', 'failed'))) AS success_rate
FROM migration_runs
WHERE $__timeFilter(started_at)`,

  runsOverTime: `SELECT $__timeInterval(ended_at) AS time,
  if(outcome = '', 'unknown', outcome) AS outcome,
  count() AS runs
FROM migration_runs
WHERE $__timeFilter(ended_at)
GROUP BY time, outcome
ORDER BY time, outcome`,

  successRate: `SELECT $__timeInterval(ended_at) AS time,
  countIf(outcome = 'succeeded') / countIf(outcome IN ('succeeded', 'failed')) AS success_rate
FROM migration_runs
WHERE $__timeFilter(ended_at)
  AND outcome IN ('succeeded', 'failed')
GROUP BY time
ORDER BY time`,

  throughputPerPhase: `SELECT $__timeInterval(ended_at) AS time,
  phase,
  sum(records_processed) / greatest(sum(duration_ms) / 1000, 0.001) AS records_per_second
FROM migration_phases
WHERE $__timeFilter(ended_at)
GROUP BY time, phase
ORDER BY time, phase`,

  phaseDurationTrend: `SELECT $__timeInterval(ended_at) AS time,
  phase,
  quantile(0.95)(duration_ms) / 1000 AS p95_seconds
FROM migration_phases
WHERE $__timeFilter(ended_at)
GROUP BY time, phase
ORDER BY time, phase`,

  failuresByReason: `SELECT if(failure_reason = '', '(no reason given)', failure_reason) AS Reason,
  count() AS FailedRuns
FROM migration_runs
WHERE $__timeFilter(started_at)
  AND outcome = 'failed'
GROUP BY Reason
ORDER BY FailedRuns DESC, Reason
LIMIT 20`,

  runningMigrations: `SELECT run_id AS RunId,
  any(template) AS Template,
  uniqExact(phase) AS PhasesDone,
  least(PhasesDone / ${PHASES}, 1) AS Progress,
  sum(records_processed) AS RecordsProcessed,
  sum(records_failed) AS RecordsFailed,
  max(ended_at) AS LastPhaseEnded,
  any(trace_id) AS TraceId
FROM migration_phases
WHERE $__timeFilter(started_at)
  AND run_id NOT IN (SELECT run_id FROM migration_runs WHERE $__timeFilter(started_at))
GROUP BY RunId
ORDER BY LastPhaseEnded DESC
LIMIT 50`,

  recentRuns: `SELECT started_at AS Started,
  run_id AS RunId,
  template AS Template,
  outcome AS Outcome,
  records_total AS Records,
  records_failed AS RecordsFailed,
  duration_ms / 1000 AS DurationSeconds,
  failure_reason AS FailureReason,
  trace_id AS TraceId
FROM migration_runs
WHERE $__timeFilter(started_at)
ORDER BY started_at DESC
LIMIT 100`,
} as const;
