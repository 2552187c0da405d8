/** Experiment variants: exposed users per variant and how many converted after their first exposure. */
import type { NamedQuery } from './query.js';

export const experimentConversion: NamedQuery = {
  name: 'experiment_conversion',
  description: 'Per variant of an experiment: users exposed (first exposure decides), users with the conversion event after exposure, rate',
  params: [
    { name: 'experiment', type: 'String', description: 'experiment key (tc9.experiment.key)' },
    { name: 'conversion_event', type: 'String', description: 'event name that counts as conversion' },
  ],
  columns: ['variant', 'users', 'converted', 'conversion_rate'],
  // Users grouped and joined by cityHash64 of the id (64-bit keys, cheaper than the String); two users
  // sharing a hash (odds about n^2 / 2^65) would count as one.
  sql: `
SELECT
    variant,
    count() AS users,
    countIf(last_conversion >= exposed_at) AS converted,
    converted / users AS conversion_rate
FROM (
    SELECT cityHash64(user_id) AS user_key, argMin(experiment_variant, created_at) AS variant, min(created_at) AS exposed_at
    FROM user_activities
    WHERE action = 'experiment.exposure' AND experiment_key = {experiment:String} AND $__timeFilter(created_at) AND user_id != ''
    GROUP BY user_key
) AS exposures
LEFT JOIN (
    SELECT cityHash64(user_id) AS user_key, max(created_at) AS last_conversion
    FROM user_activities
    WHERE action = {conversion_event:String} AND $__timeFilter(created_at) AND user_id != ''
    GROUP BY user_key
) AS conversions ON conversions.user_key = exposures.user_key
GROUP BY variant
ORDER BY variant`,
};
