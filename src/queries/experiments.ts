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
  sql: `
SELECT
    variant,
    count() AS users,
    countIf(last_conversion >= exposed_at) AS converted,
    converted / users AS conversion_rate
FROM (
    SELECT user_id, argMin(experiment_variant, created_at) AS variant, min(created_at) AS exposed_at
    FROM user_activities
    WHERE action = 'experiment.exposure' AND experiment_key = {experiment:String} AND $__timeFilter(created_at) AND user_id != ''
    GROUP BY user_id
) AS exposures
LEFT JOIN (
    SELECT user_id, max(created_at) AS last_conversion
    FROM user_activities
    WHERE action = {conversion_event:String} AND $__timeFilter(created_at) AND user_id != ''
    GROUP BY user_id
) AS conversions ON conversions.user_id = exposures.user_id
GROUP BY variant
ORDER BY variant`,
};
