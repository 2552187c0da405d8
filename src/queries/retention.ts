/**
 * Retention cohorts: users grouped by the period of their first activity in the range, and the share of
 * each cohort active again N periods after their own first day.
 */
import { activeUserDays } from './activity.js';
import type { NamedQuery } from './query.js';

export const retentionCohorts: NamedQuery = {
  name: 'retention_cohorts',
  description: "Cohorts by first activity in the range; per cohort and period since each user's first day: users retained and rate",
  params: [
    { name: 'period_days', type: 'UInt32', description: 'length of a cohort and of a retention period in days', default: 7 },
    { name: 'periods', type: 'UInt32', description: 'periods to report (period 0 is the first)', default: 8 },
  ],
  columns: ['cohort', 'period', 'cohort_users', 'retained_users', 'retention_rate'],
  // One pass over the activity (one row per active user and day from user_activity_days, activity.ts): each user's active days as an array, so the first day, the cohort and the
  // periods come from that array instead of joining the activity back to itself (three scans). Every user
  // is active in their period 0, so a cohort's size is its period-0 count.
  sql: `
SELECT
    cohort,
    period,
    cohort_users,
    retained_users,
    retained_users / cohort_users AS retention_rate
FROM (
    SELECT
        cohort,
        period,
        count() AS retained_users,
        first_value(retained_users) OVER (PARTITION BY cohort ORDER BY period) AS cohort_users
    FROM (
        SELECT
            groupUniqArray(day) AS days,
            arrayMin(days) AS first_day,
            toDate($__fromTime) + intDiv(first_day - toDate($__fromTime), {period_days:UInt32}) * {period_days:UInt32} AS cohort
        FROM (${activeUserDays({ from: '$__fromTime', to: '$__toTime', where: "user_id != ''" })})
        GROUP BY user_id
    )
    ARRAY JOIN arrayDistinct(arrayMap(day -> intDiv(day - first_day, {period_days:UInt32}), days)) AS period
    GROUP BY cohort, period
)
WHERE period < {periods:UInt32}
ORDER BY cohort, period`,
};
