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
  sql: `
SELECT
    from_step,
    to_step,
    count() AS transitions,
    uniqExact(session_id) AS sessions,
    transitions / sum(transitions) OVER (PARTITION BY from_step) AS share
FROM (
    SELECT session_id, arraySort(e -> e.1, groupArray((created_at, step))) AS path
    FROM (
        SELECT session_id, created_at, if(action = 'page.view' AND url_path != '', url_path, action) AS step
        FROM user_activities
        WHERE $__timeFilter(created_at) AND session_id != ''
    )
    GROUP BY session_id
)
ARRAY JOIN arrayPopBack(path).2 AS from_step, arrayPopFront(path).2 AS to_step
WHERE {from_step:String} = '' OR from_step = {from_step:String}
GROUP BY from_step, to_step
ORDER BY transitions DESC, from_step, to_step
LIMIT {limit:UInt32}`,
};
