-- Per day, session and user: the session's analytics events of that day as numbers, the event time in
-- nanoseconds in the high 64 bits and the step id in the low ones (sorting them sorts by time; numeric
-- arrays aggregate several times faster than arrays of tuples), where the step is the page path of a
-- page.view and the event name otherwise and its id is cityHash64 of that text (path_steps below keeps the
-- texts), from user_activities. The Top paths panel (named query top_paths)
-- unpacks these arrays of numbers instead of grouping every event's strings by session. A session spans
-- inserts, so a view cannot build its path: the arrays of one (day, session, user) are concatenated as the
-- parts merge (groupArrayArray), and the query orders each session's steps by time after keeping those in
-- its range, so it stays exact to the second. session_bucket (a hash of the session id, 16 buckets) leads
-- the key after the day, so a query can read whole sessions of a few buckets only: a sample of the sessions
-- (the panel reads one when the range holds many). Holds session and user ids, so it is part of GDPR
-- export/erasure (src/store/gdpr.ts). Dropped at the anonymisation age: user_activities blanks the session
-- id then, after which the raw events are no longer part of any path either.
CREATE TABLE IF NOT EXISTS {{db}}.session_paths{{local}} {{on_cluster}} (
    day Date,
    session_bucket UInt8,
    session_id String,
    user_id String,
    steps SimpleAggregateFunction(groupArrayArray, Array(UInt128))
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(day)
ORDER BY (day, session_bucket, session_id, user_id)
TTL day + toIntervalDay({{ttl anonymize}}) DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_paths_mv{{local}} {{on_cluster}}
TO {{db}}.session_paths{{local}}
AS SELECT
    toDate(created_at) AS day, toUInt8(cityHash64(session_id) % 16) AS session_bucket, session_id, user_id,
    groupArray(bitOr(bitShiftLeft(toUInt128(toUnixTimestamp64Nano(created_at)), 64),
        cityHash64(if(action = 'page.view' AND url_path != '', url_path, toString(action))))) AS steps
FROM {{db}}.user_activities{{local}}
WHERE session_id != ''
GROUP BY day, session_bucket, session_id, user_id;

{{distributed session_paths cityHash64(session_id)}};

-- The step texts behind the ids, seen last on last_seen: a few hundred rows the query joins to its result.
-- Kept as long as the analytics events.
CREATE TABLE IF NOT EXISTS {{db}}.path_steps{{local}} {{on_cluster}} (
    step_id UInt64,
    step String,
    last_seen SimpleAggregateFunction(max, Date)
) ENGINE = {{engine Aggregating}}
ORDER BY (step_id, step)
TTL last_seen + toIntervalDay({{ttl analytics}}) DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.path_steps_mv{{local}} {{on_cluster}}
TO {{db}}.path_steps{{local}}
AS SELECT cityHash64(step) AS step_id, step, max(toDate(created_at)) AS last_seen
FROM (
    SELECT created_at, if(action = 'page.view' AND url_path != '', url_path, toString(action)) AS step
    FROM {{db}}.user_activities{{local}}
    WHERE session_id != ''
)
GROUP BY step_id, step;

{{distributed path_steps step_id}};

-- Rows written before this file existed, through the public names (the Distributed tables on a cluster).
-- Running them again would repeat each session's steps: they run once, with the file.
INSERT INTO {{db}}.session_paths
SELECT toDate(created_at) AS day, toUInt8(cityHash64(session_id) % 16) AS session_bucket, session_id, user_id,
    groupArray(bitOr(bitShiftLeft(toUInt128(toUnixTimestamp64Nano(created_at)), 64),
        cityHash64(if(action = 'page.view' AND url_path != '', url_path, toString(action))))) AS steps
FROM {{db}}.user_activities
WHERE session_id != ''
GROUP BY day, session_bucket, session_id, user_id;

INSERT INTO {{db}}.path_steps
SELECT cityHash64(step) AS step_id, step, max(toDate(created_at)) AS last_seen
FROM (
    SELECT created_at, if(action = 'page.view' AND url_path != '', url_path, toString(action)) AS step
    FROM {{db}}.user_activities
    WHERE session_id != ''
)
GROUP BY step_id, step;
