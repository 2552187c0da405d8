/** Feature adoption: share of active users who used each feature in the range. */
import { activeUserDays } from './activity.js';
import type { NamedQuery } from './query.js';

export const featureAdoption: NamedQuery = {
  name: 'feature_adoption',
  description:
    'Per feature: users who used it, uses, and adoption rate (users / all active users), exact to the second: whole days from feature_usage, the first and last day of the range from the events',
  params: [],
  columns: ['feature', 'users', 'uses', 'active_users', 'adoption_rate', 'avg_duration_ms'],
  // Numerator and denominator over the same range to the second, so a feature's users are among the active
  // users: the days strictly inside the range from feature_usage (clickhouse/012, per day, feature and user),
  // the range's first and last day (or its one day) from the feature.used events in user_activities, read by
  // the table's key (action, time); active users as the other User journeys queries count them
  // (activeUserDays). The feature name as feature_usage's view takes it (tc9.feature.name, else the feature
  // property). Distinct users counted by cityHash64 of the id: 64-bit set cells instead of uniqExact's 128-bit
  // hash of each String, about a third cheaper; two users sharing a hash (odds about n^2 / 2^65) would count
  // as one.
  sql: `
WITH (
    SELECT uniqExact(cityHash64(user_id)) FROM (${activeUserDays({ from: '$__fromTime', to: '$__toTime', where: "user_id != ''" })})
) AS active
SELECT
    feature,
    uniqExactIf(cityHash64(user_id), user_id != '') AS users,
    sum(n) AS uses,
    active AS active_users,
    if(active > 0, users / active, 0) AS adoption_rate,
    if(uses > 0, sum(duration_ms_total) / uses, 0) AS avg_duration_ms
FROM (
    SELECT toString(feature_name) AS feature, user_id, toUInt64(usage_count) AS n, toFloat64(total_duration_ms) AS duration_ms_total
    FROM feature_usage
    WHERE day > toDate($__fromTime) AND day < toDate($__toTime) AND feature_name != ''
    UNION ALL
    SELECT if(feature_name != '', toString(feature_name), properties['feature']) AS feature, user_id, toUInt64(1) AS n,
        ifNull(duration_ms, 0) AS duration_ms_total
    FROM user_activities
    WHERE action = 'feature.used' AND created_at >= $__fromTime AND created_at <= $__toTime
        AND (toDate(created_at) = toDate($__fromTime) OR toDate(created_at) = toDate($__toTime))
        AND feature != ''
)
GROUP BY feature
ORDER BY users DESC, feature`,
};
