-- Per day, organisation, type and user: the first and the last analytics event of that day, and how many,
-- from user_activities. The User journeys panels that count distinct users over a range (DAU/WAU/MAU,
-- retention, adoption, organisations) read one row per active user and day here instead of every event,
-- and stay exact to the second: a day inside the range counts whole, the range's first day counts for a
-- user whose last event that day is at or after the start, its last day for one whose first event is at or
-- before the end (src/queries/activity.ts). Holds user ids, so it is part of GDPR export/erasure
-- (src/store/gdpr.ts). Like user_activity_hours (022): after the anonymisation age a day's rows roll up per
-- organisation and type with the id blanked; dropped after the analytics age.
CREATE TABLE IF NOT EXISTS {{db}}.user_activity_days{{local}} {{on_cluster}} (
    day Date,
    org_id LowCardinality(String),
    org_type LowCardinality(String),
    user_type LowCardinality(String),
    user_id String,
    first_at SimpleAggregateFunction(min, DateTime64(9)),
    last_at SimpleAggregateFunction(max, DateTime64(9)),
    events SimpleAggregateFunction(sum, UInt64)
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(day)
ORDER BY (day, org_id, org_type, user_type, user_id)
TTL day + toIntervalDay({{ttl anonymize}}) GROUP BY day, org_id, org_type, user_type SET
        user_id = substring(any(user_id), 1, 0),
        first_at = min(first_at),
        last_at = max(last_at),
        events = sum(events),
    day + toIntervalDay({{ttl analytics}}) DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.user_activity_days_mv{{local}} {{on_cluster}}
TO {{db}}.user_activity_days{{local}}
AS SELECT
    toDate(created_at) AS day,
    org_id, org_type, user_type, user_id,
    min(created_at) AS first_at,
    max(created_at) AS last_at,
    count() AS events
FROM {{db}}.user_activities{{local}}
GROUP BY day, org_id, org_type, user_type, user_id;

{{distributed user_activity_days cityHash64(user_id)}};

-- Rows written before this file existed, through the public name (the Distributed table on a cluster).
-- Running it again would count those events twice: it runs once, with the file.
INSERT INTO {{db}}.user_activity_days
SELECT toDate(created_at) AS day, org_id, org_type, user_type, user_id,
    min(created_at) AS first_at,
    max(created_at) AS last_at,
    count() AS events
FROM {{db}}.user_activities
GROUP BY day, org_id, org_type, user_type, user_id;
