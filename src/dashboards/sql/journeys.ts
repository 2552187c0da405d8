/**
 * SQL of the User journeys panels that are not named queries (sql/named.ts has DAU/WAU, sessions, funnel,
 * paths, features, experiments, retention): activity over time, pages and segments, over the analytics tables
 * the views fill from events (user_activities, sessions: clickhouse/010, 014).
 */
import { EVENT } from '../../semconv.js';
import { activityRows } from '../../queries/activity.js';

/** The product funnel: sign in, connect an org, create a migration, run it. */
export const FUNNEL_STEPS = [EVENT.login, EVENT.organisationConnected, EVENT.migrationCreated, EVENT.migrationExecuted] as const;

/** Sessions of the range (a session's rows may sit on its start day and the day before the range). */
const SESSIONS = `SELECT session_id,
    min(started_at) AS started
  FROM sessions
  WHERE day >= toDate($__fromTime) - 1 AND day <= toDate($__toTime)
  GROUP BY session_id`;

export const JOURNEYS_SQL = {
  activeUsersOverTime: `SELECT $__timeInterval(created_at) AS time,
  uniqExact(user_id) AS active_users,
  uniqExact(session_id) AS active_sessions
FROM user_activities
WHERE $__timeFilter(created_at)
  AND user_id != ''
GROUP BY time
ORDER BY time`,

  sessionsOverTime: `SELECT $__timeInterval(started) AS time,
  count() AS sessions
FROM (${SESSIONS})
WHERE started >= $__fromTime AND started <= $__toTime
GROUP BY time
ORDER BY time`,

  topPages: `SELECT url_path AS Path,
  count() AS Views,
  uniqExact(user_id) AS Users
FROM user_activities
WHERE $__timeFilter(created_at)
  AND action = '${EVENT.pageView}'
  AND url_path != ''
GROUP BY Path
ORDER BY Views DESC
LIMIT 20`,

  activeUsersByUserType: `SELECT $__timeInterval(created_at) AS time,
  if(user_type = '', 'unknown', user_type) AS user_type,
  uniqExact(user_id) AS active_users
FROM user_activities
WHERE $__timeFilter(created_at)
  AND user_id != ''
GROUP BY time, user_type
ORDER BY time, user_type`,

  activeUsersByOrgType: `SELECT $__timeInterval(created_at) AS time,
  if(org_type = '', 'unknown', org_type) AS org_type,
  uniqExact(user_id) AS active_users
FROM user_activities
WHERE $__timeFilter(created_at)
  AND user_id != ''
GROUP BY time, org_type
ORDER BY time, org_type`,

  // Whole hours from user_activity_hours, edge hours from the events (queries/activity.ts).
  organisations: `SELECT org_id AS Organisation,
  any(org_type) AS OrgType,
  uniqExact(user_id) AS Users,
  uniqExact(session_id) AS Sessions,
  sum(migrations_created) AS MigrationsCreated,
  sum(migrations_executed) AS MigrationsExecuted
FROM (${activityRows({ from: '$__fromTime', to: '$__toTime', where: "org_id != ''" })})
GROUP BY Organisation
ORDER BY Users DESC, Organisation
LIMIT 50`,

  experimentKeys: `SELECT DISTINCT experiment_key
FROM user_activities
WHERE $__timeFilter(created_at)
  AND action = '${EVENT.experimentExposure}'
  AND experiment_key != ''
ORDER BY experiment_key`,
} as const;
