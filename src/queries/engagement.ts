/** Active users (DAU/WAU/MAU) and sessions, from user_activities and sessions. */
import { activeUserDays, dayRowsInRange } from './activity.js';
import type { NamedQuery } from './query.js';

export const activeUsers: NamedQuery = {
  name: 'active_users',
  description: 'Per day in the range: distinct users active that day (dau), in the 7 days (wau) and 30 days (mau) ending that day',
  params: [],
  columns: ['time', 'dau', 'wau', 'mau'],
  // Active user days from user_activity_days (activity.ts). One row per user with their active days, then one row per (user, reported day) the user counts for
  // (a day of the range within 30 days after an active day): dau/wau/mau are plain counts of those rows,
  // no distinct counts over user ids.
  sql: `
SELECT
    toDateTime(day) AS time,
    countIf(has(days, day)) AS dau,
    countIf(arrayExists(active_day -> active_day > day - 7 AND active_day <= day, days)) AS wau,
    count() AS mau
FROM (
    SELECT groupUniqArray(day) AS days
    FROM (${activeUserDays({ from: '$__fromTime - INTERVAL 29 DAY', to: '$__toTime', where: "user_id != ''" })})
    GROUP BY user_id
)
ARRAY JOIN arrayFilter(
    day -> day >= toDate($__fromTime) AND day <= toDate($__toTime),
    arrayDistinct(arrayFlatten(arrayMap(active_day -> arrayMap(i -> active_day + i, range(30)), days)))
) AS day
GROUP BY day
ORDER BY day`,
};

export const activeUsersSummary: NamedQuery = {
  name: 'active_users_summary',
  description: 'Distinct users active in the last 1, 7 and 30 days before the end of the range',
  params: [],
  columns: ['dau', 'wau', 'mau'],
  // One row per active user and day (user_activity_days, activity.ts): a user is in the day, week or month
  // if one of their day rows is in that range. The three ranges end at the range's end and start on
  // another day, so day rows always tell. Users counted by cityHash64 of the id, as feature_adoption does
  // (features.ts): cheaper than the String, a shared hash (odds about n^2 / 2^65) would count two as one.
  sql: `
SELECT
    uniqExactIf(cityHash64(user_id), ${dayRowsInRange({ from: '$__toTime - INTERVAL 1 DAY', fromExclusive: true, to: '$__toTime' })}) AS dau,
    uniqExactIf(cityHash64(user_id), ${dayRowsInRange({ from: '$__toTime - INTERVAL 7 DAY', fromExclusive: true, to: '$__toTime' })}) AS wau,
    uniqExact(cityHash64(user_id)) AS mau
FROM user_activity_days
WHERE ${dayRowsInRange({ from: '$__toTime - INTERVAL 30 DAY', fromExclusive: true, to: '$__toTime' })}
    AND user_id != ''`,
};

export const sessionStats: NamedQuery = {
  name: 'session_stats',
  description: 'Sessions started in the range: count, average and median duration (s), pages and actions per session',
  params: [],
  columns: ['sessions', 'avg_duration_s', 'median_duration_s', 'avg_pages_per_session', 'avg_actions_per_session'],
  // Grouped by cityHash64 of the id, not the String: hashing 64-bit keys is about a third cheaper over the
  // ~1M sessions of a week, and two sessions share a hash with odds of about n^2 / 2^65 (3e-8 at 1M): then
  // they count as one. The sessions table is sharded by the same hash (clickhouse/014).
  sql: `
SELECT
    count() AS sessions,
    avg(duration_s) AS avg_duration_s,
    quantileExactInclusive(0.5)(duration_s) AS median_duration_s,
    avg(pages) AS avg_pages_per_session,
    avg(actions) AS avg_actions_per_session
FROM (
    SELECT
        min(started_at) AS started,
        dateDiff('millisecond', started, max(last_activity_at)) / 1000 AS duration_s,
        sum(page_views) AS pages,
        sum(actions_count) AS actions
    FROM sessions
    WHERE day >= toDate($__fromTime) - 1 AND day <= toDate($__toTime)
    GROUP BY cityHash64(session_id)
)
WHERE $__timeFilter(started)`,
};
