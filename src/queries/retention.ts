/**
 * Retention cohorts: users grouped by the period of their first activity in the range, and the share of
 * each cohort active again N periods after their own first day.
 */
import type { NamedQuery } from './query.js';

export const retentionCohorts: NamedQuery = {
  name: 'retention_cohorts',
  description: 'Cohorts by first activity in the range; per cohort and period since each user\'s first day: users retained and rate',
  params: [
    { name: 'period_days', type: 'UInt32', description: 'length of a cohort and of a retention period in days', default: 7 },
    { name: 'periods', type: 'UInt32', description: 'periods to report (period 0 is the first)', default: 8 },
  ],
  columns: ['cohort', 'period', 'cohort_users', 'retained_users', 'retention_rate'],
  sql: `
WITH
    activity AS (
        SELECT DISTINCT user_id, toDate(created_at) AS day
        FROM user_activities
        WHERE $__timeFilter(created_at) AND user_id != ''
    ),
    firsts AS (
        SELECT user_id, min(day) AS first_day,
            toDate($__fromTime) + intDiv(first_day - toDate($__fromTime), {period_days:UInt32}) * {period_days:UInt32} AS cohort
        FROM activity
        GROUP BY user_id
    )
SELECT
    f.cohort AS cohort,
    intDiv(a.day - f.first_day, {period_days:UInt32}) AS period,
    any(sizes.cohort_users) AS cohort_users,
    uniqExact(a.user_id) AS retained_users,
    retained_users / cohort_users AS retention_rate
FROM activity AS a
INNER JOIN firsts AS f ON a.user_id = f.user_id
INNER JOIN (SELECT cohort, count() AS cohort_users FROM firsts GROUP BY cohort) AS sizes ON sizes.cohort = f.cohort
WHERE period < {periods:UInt32}
GROUP BY cohort, period
ORDER BY cohort, period`,
};
