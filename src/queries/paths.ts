/** Top paths: which step follows which within a session (page views by path, other events by name). */
import type { NamedQuery } from './query.js';

export const topPaths: NamedQuery = {
  name: 'top_paths',
  description: 'Most frequent next steps within sessions: from_step -> to_step with transition and session counts',
  params: [
    { name: 'from_step', type: 'String', description: 'only transitions out of this step; empty for all', default: '' },
    { name: 'limit', type: 'UInt32', description: 'transitions to return', default: 50 },
  ],
  columns: ['from_step', 'to_step', 'transitions', 'sessions', 'share'],
  // Each session's path once, then its distinct transitions with how often they occur in it: the sessions
  // per transition are a count of rows, not a distinct count over session ids.
  sql: `
SELECT
    from_step,
    to_step,
    sum(occurrences) AS transitions,
    count() AS sessions,
    transitions / sum(transitions) OVER (PARTITION BY from_step) AS share
FROM (
    SELECT arraySort(e -> e.1, groupArray((created_at, step))).2 AS path,
        arrayZip(arrayPopBack(path), arrayPopFront(path)) AS steps
    FROM (
        SELECT session_id, created_at, if(action = 'page.view' AND url_path != '', url_path, action) AS step
        FROM user_activities
        WHERE $__timeFilter(created_at) AND session_id != ''
    )
    GROUP BY session_id
)
ARRAY JOIN arrayDistinct(steps) AS transition, arrayMap(t -> countEqual(steps, t), arrayDistinct(steps)) AS occurrences
WHERE {from_step:String} = '' OR transition.1 = {from_step:String}
GROUP BY transition.1 AS from_step, transition.2 AS to_step
ORDER BY transitions DESC, from_step, to_step
LIMIT {limit:UInt32}`,
};
