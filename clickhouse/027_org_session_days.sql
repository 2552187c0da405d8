-- Per day, organisation, user and session: the first and the last analytics event of that day, from
-- user_activities. The Organisations panel counts each organisation's distinct sessions from one row per
-- session and day instead of every event, exact to the second as user_activity_days (025) is: a day inside
-- the range counts whole, its first and last day by the last and first event (src/queries/activity.ts).
-- Holds user and session ids, so it is part of GDPR export/erasure (src/store/gdpr.ts). After the
-- anonymisation age a day's rows roll up per organisation with the ids blanked; dropped after the
-- analytics age.
CREATE TABLE IF NOT EXISTS {{db}}.org_session_days{{local}} {{on_cluster}} (
    day Date,
    org_id LowCardinality(String),
    user_id String,
    session_id String,
    first_at SimpleAggregateFunction(min, DateTime64(9)),
    last_at SimpleAggregateFunction(max, DateTime64(9))
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(day)
ORDER BY (day, org_id, user_id, session_id)
TTL day + toIntervalDay({{ttl anonymize}}) GROUP BY day, org_id SET
        user_id = substring(any(user_id), 1, 0),
        session_id = substring(any(session_id), 1, 0),
        first_at = min(first_at),
        last_at = max(last_at),
    day + toIntervalDay({{ttl analytics}}) DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.org_session_days_mv{{local}} {{on_cluster}}
TO {{db}}.org_session_days{{local}}
AS SELECT
    toDate(created_at) AS day,
    org_id, user_id, session_id,
    min(created_at) AS first_at,
    max(created_at) AS last_at
FROM {{db}}.user_activities{{local}}
GROUP BY day, org_id, user_id, session_id;

{{distributed org_session_days cityHash64(user_id)}};

-- Rows written before this file existed; runs once, with the file.
INSERT INTO {{db}}.org_session_days
SELECT toDate(created_at) AS day, org_id, user_id, session_id,
    min(created_at) AS first_at,
    max(created_at) AS last_at
FROM {{db}}.user_activities
GROUP BY day, org_id, user_id, session_id;
