/** Top paths: which step follows which within a session (page views by path, other events by name). */
import type { NamedQuery } from './query.js';

/** Hash buckets of sessions in session_paths (clickhouse/029): a sample reads some of them. */
const SESSION_BUCKETS = 16;

export const topPaths: NamedQuery = {
  name: 'top_paths',
  description: 'Most frequent next steps within sessions: from_step -> to_step with transition and session counts',
  params: [
    { name: 'from_step', type: 'String', description: 'only transitions out of this step; empty for all', default: '' },
    { name: 'limit', type: 'UInt32', description: 'transitions to return', default: 50 },
    {
      name: 'sample_above',
      type: 'UInt32',
      description: `exact up to this many session-days in the range; above, the sessions of enough of ${SESSION_BUCKETS} hash buckets to hold about that many, counts scaled up (estimates); 0: always exact`,
      default: 0,
    },
  ],
  columns: ['from_step', 'to_step', 'transitions', 'sessions', 'share'],
  // Each session's steps from session_paths (clickhouse/029): the days of the range, the steps of its
  // seconds, so the path is the one the raw events give. Steps are cityHash64 ids until the transitions are
  // counted; their texts come from path_steps for the few hundred distinct transitions. Steps sort by time,
  // then id: events of one session at the same instant take a fixed order. A transition's
  // sessions are its first occurrences in each path (arrayEnumerateUniq), not a distinct count of ids.
  // A sample keeps whole sessions (a bucket holds all rows of its sessions) and reads only the key ranges of
  // its buckets; the counts are scaled by the share of buckets read, the shares are the sample's.
  // Sessions are grouped by cityHash64 of the id (cheaper than the String; the table is sharded by it): two
  // sessions sharing a hash, odds about n^2 / 2^65, would make one path.
  sql: `
WITH
    (SELECT count() FROM session_paths WHERE day >= toDate($__fromTime) AND day <= toDate($__toTime)) AS session_days,
    if({sample_above:UInt32} = 0 OR session_days <= {sample_above:UInt32}, ${SESSION_BUCKETS},
        toUInt8(ceil(${SESSION_BUCKETS} * {sample_above:UInt32} / session_days))) AS buckets_read,
    -- Steps are (time in ns) << 64 | step id: these bound the seconds of the range, bounds included.
    bitShiftLeft(toUInt128(toUnixTimestamp64Nano(toDateTime64($__fromTime, 9))), 64) AS from_key,
    bitShiftLeft(toUInt128(toUnixTimestamp64Nano(toDateTime64($__toTime, 9)) + 1), 64) AS to_key
SELECT
    from_names.step AS from_step,
    to_names.step AS to_step,
    toUInt64(round(transitions_read * ${SESSION_BUCKETS} / buckets_read)) AS transitions,
    toUInt64(round(sessions_read * ${SESSION_BUCKETS} / buckets_read)) AS sessions,
    transitions_read / sum(transitions_read) OVER (PARTITION BY from_id) AS share
FROM (
    SELECT transition.1 AS from_id, transition.2 AS to_id, count() AS transitions_read, countIf(occurrence = 1) AS sessions_read
    FROM (
        SELECT arrayMap(s -> toUInt64(bitAnd(s, 0xFFFFFFFFFFFFFFFF)), arraySort(arrayFilter(s -> s >= from_key AND s < to_key, groupArrayArray(steps)))) AS path,
            arrayZip(arrayPopBack(path), arrayPopFront(path)) AS session_transitions
        FROM session_paths
        WHERE day >= toDate($__fromTime) AND day <= toDate($__toTime) AND session_bucket < buckets_read
        GROUP BY cityHash64(session_id)
    )
    ARRAY JOIN session_transitions AS transition, arrayEnumerateUniq(session_transitions) AS occurrence
    WHERE {from_step:String} = '' OR transition.1 = cityHash64({from_step:String})
    GROUP BY from_id, to_id
) AS counted
LEFT JOIN (SELECT step_id, any(step) AS step FROM path_steps GROUP BY step_id) AS from_names ON from_names.step_id = counted.from_id
LEFT JOIN (SELECT step_id, any(step) AS step FROM path_steps GROUP BY step_id) AS to_names ON to_names.step_id = counted.to_id
ORDER BY transitions_read DESC, from_step, to_step
LIMIT {limit:UInt32}`,
};
