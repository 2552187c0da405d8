/**
 * SQL of the User journeys panels that are not named queries (sql/named.ts has DAU/WAU, sessions, funnel,
 * paths, features, experiments, retention): activity over time, pages and segments, over the analytics tables
 * the views fill from events (user_activities, sessions: clickhouse/010, 014) and their pre-aggregations
 * (user_activity_days, activity_hour_sketches, org_session_days, page_view_hours: 025-028).
 */
import { EVENT } from '../../semconv.js';
import { activeUserDays, activitySketches, orgSessionDays } from '../../queries/activity.js';

/** The product funnel: sign in, connect an org, create a migration, run it. */
export const FUNNEL_STEPS = [EVENT.login, EVENT.organisationConnected, EVENT.migrationCreated, EVENT.migrationExecuted] as const;

/** Hourly sketches of the range (queries/activity.ts). */
const SKETCHES = activitySketches({ from: '$__fromTime', to: '$__toTime' });

/** Whole hours, or Grafana's interval when longer: the sketches are per hour. */
const HOURLY = 'toStartOfInterval(hour, INTERVAL greatest($__interval_s, 3600) SECOND)';

/**
 * Sessions of the range (a session's rows may sit on its start day and the day before the range), grouped
 * by cityHash64 of the id as session_stats is (queries/engagement.ts): 64-bit keys aggregate about a third
 * cheaper than the String, and a shared hash (odds about n^2 / 2^65) would count two sessions as one.
 */
const SESSIONS = `SELECT min(started_at) AS started
  FROM sessions
  WHERE day >= toDate($__fromTime) - 1 AND day <= toDate($__toTime)
  GROUP BY cityHash64(session_id)`;

export const JOURNEYS_SQL = {
  // Sketches, not exact counts: no exact pre-aggregation avoids counting every (hour, user) pair.
  activeUsersOverTime: `SELECT ${HOURLY} AS time,
  uniqCombinedMerge(12)(users) AS active_users,
  uniqCombinedMerge(12)(sessions) AS active_sessions
FROM (${SKETCHES})
GROUP BY time
HAVING active_users > 0
ORDER BY time`,

  sessionsOverTime: `SELECT $__timeInterval(started) AS time,
  count() AS sessions
FROM (${SESSIONS})
WHERE started >= $__fromTime AND started <= $__toTime
GROUP BY time
ORDER BY time`,

  // Views per hour and page with a sketch of the viewers (page_view_hours, clickhouse/028), the hours
  // holding a bound of the range from the events: views exact, users approximate.
  topPages: `SELECT url_path AS Path,
  sum(views) AS Views,
  uniqCombinedMerge(12)(users) AS Users
FROM (
  SELECT url_path, views, users
  FROM page_view_hours
  WHERE hour > toStartOfHour($__fromTime) AND hour < toStartOfHour($__toTime)
  UNION ALL
  SELECT url_path, count() AS views, uniqCombinedState(12)(user_id) AS users
  FROM user_activities
  WHERE $__timeFilter(created_at)
    AND action = '${EVENT.pageView}'
    AND url_path != ''
    AND (created_at < toStartOfHour($__fromTime) + INTERVAL 1 HOUR OR created_at >= toStartOfHour($__toTime))
  GROUP BY url_path
)
GROUP BY Path
ORDER BY Views DESC, Path
LIMIT 20`,

  activeUsersByUserType: `SELECT ${HOURLY} AS time,
  if(user_type = '', 'unknown', user_type) AS user_type,
  uniqCombinedMerge(12)(users) AS active_users
FROM (${SKETCHES})
GROUP BY time, user_type
HAVING active_users > 0
ORDER BY time, user_type`,

  activeUsersByOrgType: `SELECT ${HOURLY} AS time,
  if(org_type = '', 'unknown', org_type) AS org_type,
  uniqCombinedMerge(12)(users) AS active_users
FROM (${SKETCHES})
GROUP BY time, org_type
HAVING active_users > 0
ORDER BY time, org_type`,

  // Users and sessions from the day tables (one row per user or session and day, exact to the second:
  // queries/activity.ts), migrations from their own events (the table's key starts with the action).
  // Distinct ids counted by cityHash64 (64-bit set cells instead of uniqExact's 128-bit hash of each
  // String, about a third cheaper); two ids of one organisation sharing a hash are negligible (n^2 / 2^65).
  organisations: `SELECT Organisation, OrgType, Users, Sessions, MigrationsCreated, MigrationsExecuted
FROM (
  SELECT org_id AS Organisation, any(org_type) AS OrgType, uniqExact(cityHash64(user_id)) AS Users
  FROM (${activeUserDays({ from: '$__fromTime', to: '$__toTime', where: "org_id != ''" })})
  GROUP BY org_id
) AS users
LEFT JOIN (
  SELECT org_id, uniqExact(cityHash64(session_id)) AS Sessions
  FROM (${orgSessionDays({ from: '$__fromTime', to: '$__toTime', where: "org_id != ''" })})
  GROUP BY org_id
) AS sessions ON sessions.org_id = users.Organisation
LEFT JOIN (
  SELECT org_id, countIf(action = '${EVENT.migrationCreated}') AS MigrationsCreated, countIf(action = '${EVENT.migrationExecuted}') AS MigrationsExecuted
  FROM user_activities
  WHERE $__timeFilter(created_at) AND action IN ('${EVENT.migrationCreated}', '${EVENT.migrationExecuted}') AND org_id != ''
  GROUP BY org_id
) AS migrations ON migrations.org_id = users.Organisation
ORDER BY Users DESC, Organisation
LIMIT 50`,

  experimentKeys: `SELECT DISTINCT experiment_key
FROM user_activities
WHERE $__timeFilter(created_at)
  AND action = '${EVENT.experimentExposure}'
  AND experiment_key != ''
ORDER BY experiment_key`,
} as const;
