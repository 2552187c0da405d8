/**
 * Funnels over analytics events: how many users reach each step, in order, within a window from their
 * first step (windowFunnel). Steps are a parameter (1 to 8 event names), so one query serves any funnel.
 */
import type { NamedQuery } from './query.js';

const MAX_STEPS = 8;
const conditions = Array.from({ length: MAX_STEPS }, (_, i) => `action = steps[${i + 1}]`).join(', ');

export const funnel: NamedQuery = {
  name: 'funnel',
  description:
    'Users reaching each funnel step in order within the window, conversion from the first step and drop-off from the previous one',
  params: [
    { name: 'steps', type: 'Array(String)', description: `event names in order (1 to ${MAX_STEPS})` },
    { name: 'window_s', type: 'UInt32', description: 'seconds from the first step within which later steps count', default: 86_400 },
  ],
  columns: ['step', 'event', 'users', 'conversion', 'drop_off', 'drop_off_rate'],
  // action IN steps, not has(steps, action): IN narrows the read by user_activities' key (action first).
  // Users grouped by cityHash64 of the id: 64-bit keys aggregate cheaper than the String; two users sharing
  // a hash (odds about n^2 / 2^65) would make one funnel. A low two-level threshold: the users (tens of
  // thousands) stay under the default 100,000 keys, so merging their event lists and sorting each by time
  // would run on one thread; split into buckets, the threads share it.
  sql: `
WITH {steps:Array(String)} AS steps
SELECT
    step,
    steps[step] AS event,
    users,
    if(first_step_users > 0, users / first_step_users, 0) AS conversion,
    previous_users - users AS drop_off,
    if(previous_users > 0, drop_off / previous_users, 0) AS drop_off_rate
FROM (
    SELECT
        step,
        countIf(level >= step) AS users,
        first_value(users) OVER (ORDER BY step) AS first_step_users,
        lagInFrame(users, 1, users) OVER (ORDER BY step) AS previous_users
    FROM (
        SELECT windowFunnel({window_s:UInt32} * 1000)(toUInt64(toUnixTimestamp64Milli(created_at)), ${conditions}) AS level
        FROM user_activities
        WHERE $__timeFilter(created_at) AND user_id != '' AND action IN steps
            AND throwIf(length(steps) NOT BETWEEN 1 AND ${MAX_STEPS}, 'funnel: 1 to ${MAX_STEPS} steps') = 0
        GROUP BY cityHash64(user_id)
    )
    ARRAY JOIN range(1, length(steps) + 1) AS step
    GROUP BY step
)
ORDER BY step
SETTINGS group_by_two_level_threshold = 1000`,
};
