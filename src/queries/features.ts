/** Feature adoption: share of active users who used each feature in the range. */
import { activeUserDays } from './activity.js';
import type { NamedQuery } from './query.js';

export const featureAdoption: NamedQuery = {
  name: 'feature_adoption',
  description: 'Per feature: users who used it, uses, and adoption rate (users / all active users); days of the range',
  params: [],
  columns: ['feature', 'users', 'uses', 'active_users', 'adoption_rate', 'avg_duration_ms'],
  // Distinct users counted by cityHash64 of the id: 64-bit set cells instead of uniqExact's 128-bit hash of
  // each String, about a third cheaper; two users sharing a hash (odds about n^2 / 2^65) would count as one.
  sql: `
WITH (
    SELECT uniqExact(cityHash64(user_id)) FROM (${activeUserDays({ from: '$__fromTime', to: '$__toTime', where: "user_id != ''" })})
) AS active
SELECT
    feature_name AS feature,
    uniqExactIf(cityHash64(user_id), user_id != '') AS users,
    sum(usage_count) AS uses,
    active AS active_users,
    if(active > 0, users / active, 0) AS adoption_rate,
    if(uses > 0, sum(total_duration_ms) / uses, 0) AS avg_duration_ms
FROM feature_usage
WHERE $__dateFilter(day) AND feature_name != ''
GROUP BY feature_name
ORDER BY users DESC`,
};
