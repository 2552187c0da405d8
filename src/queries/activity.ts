/**
 * Analytics activity of a time range read from the tables the views pre-aggregate from user_activities,
 * each exact to the second like $__timeFilter unless said otherwise:
 * - activeUserDays / orgSessionDays: one row per active user (or session) and day (clickhouse/025, 027);
 * - activitySketches: hourly sketches of distinct users and sessions (026), approximate counts.
 */

export interface DayRange {
  /** SQL of the lower bound (whole seconds), e.g. $__fromTime. */
  from: string;
  /** true: activity after `from` only (default: at or after). */
  fromExclusive?: boolean;
  /** SQL of the upper bound (inclusive). */
  to: string;
  /** A condition on columns both tables share (user_id, org_id, ...), applied to both. */
  where?: string;
}

/**
 * The range's condition on day rows with first_at/last_at (user_activity_days, org_session_days), for a
 * range whose bounds fall on different days: a day inside counts whole, the first day when the row's last
 * event is in the range, the last day when its first event is. Rows of one (day, key) from different
 * inserts may not be merged yet; any of them meeting the condition means activity in the range, so
 * distinct counts over the rows stay exact.
 */
export function dayRowsInRange(range: DayRange): string {
  const { from, to } = range;
  return `day >= toDate(${from}) AND day <= toDate(${to})
        AND (day > toDate(${from}) OR last_at ${range.fromExclusive ? '>' : '>='} ${from}) AND (day < toDate(${to}) OR first_at <= ${to})`;
}

/**
 * Rows of a day table (user_activity_days, org_session_days) for a range, or, for a range within one day,
 * which day rows cannot tell, the same columns from the events (the branch not taken reads nothing: its
 * condition is a constant).
 */
function dayRows(table: string, columns: string, range: DayRange): string {
  const extra = range.where ? ` AND (${range.where})` : '';
  const { from, to } = range;
  return `SELECT day, ${columns}
    FROM ${table}
    WHERE toDate(${from}) < toDate(${to}) AND ${dayRowsInRange(range)}${extra}
    UNION ALL
    SELECT toDate(created_at) AS day, ${columns}
    FROM user_activities
    WHERE toDate(${from}) >= toDate(${to}) AND created_at ${range.fromExclusive ? '>' : '>='} ${from} AND created_at <= ${to}${extra}`;
}

/**
 * Who was active on which day of a range: (day, org_id, org_type, user_type, user_id) rows, one or more
 * per user and day, from user_activity_days (clickhouse/025): one row per active user and day instead of
 * every event, exact to the second.
 */
export const activeUserDays = (range: DayRange) => dayRows('user_activity_days', 'org_id, org_type, user_type, user_id', range);

/** Sessions per organisation and day of a range: (day, org_id, user_id, session_id) rows from org_session_days (clickhouse/027). */
export const orgSessionDays = (range: DayRange) => dayRows('org_session_days', 'org_id, user_id, session_id', range);

/**
 * Sketches of distinct users and sessions (uniqCombined(12) states, users with an id only) per hour,
 * organisation type and user type: whole hours from activity_hour_sketches (clickhouse/026), the hours
 * holding a bound of the range sketched from the events, so the range holds to the second. Columns: hour,
 * org_type, user_type, users, sessions; merge with uniqCombinedMerge(12).
 */
export function activitySketches(range: { from: string; to: string }): string {
  const { from, to } = range;
  return `SELECT hour, org_type, user_type, users, sessions
    FROM activity_hour_sketches
    WHERE hour > toStartOfHour(${from}) AND hour < toStartOfHour(${to})
    UNION ALL
    SELECT toStartOfHour(created_at) AS hour, org_type, user_type,
        uniqCombinedStateIf(12)(user_id, user_id != '') AS users, uniqCombinedStateIf(12)(session_id, user_id != '') AS sessions
    FROM user_activities
    WHERE created_at >= ${from} AND created_at <= ${to}
        AND (created_at < toStartOfHour(${from}) + INTERVAL 1 HOUR OR created_at >= toStartOfHour(${to}))
    GROUP BY hour, org_type, user_type`;
}
