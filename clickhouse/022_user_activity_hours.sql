-- Per hour, user, session and organisation: how many analytics events (and migrations created/executed),
-- from user_activities. The User journeys panels that count distinct users, sessions or organisations read
-- whole hours here and the raw user_activities rows only for the hours at the edges of their range, so the
-- results stay exact to the second (src/queries/activity.ts). Holds user and session ids, so it is part of
-- GDPR export/erasure (src/store/gdpr.ts). Like user_activities: after the anonymisation age an hour's rows
-- roll up per organisation and type with the ids blanked (TTL SET needs an aggregate, hence
-- substring(any(...), 1, 0) for the empty string); dropped after the analytics age.
CREATE TABLE IF NOT EXISTS {{db}}.user_activity_hours{{local}} {{on_cluster}} (
    hour DateTime,
    org_id LowCardinality(String),
    org_type LowCardinality(String),
    user_type LowCardinality(String),
    user_id String,
    session_id String,
    events SimpleAggregateFunction(sum, UInt64),
    migrations_created SimpleAggregateFunction(sum, UInt64),
    migrations_executed SimpleAggregateFunction(sum, UInt64)
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, org_id, org_type, user_type, user_id, session_id)
TTL hour + toIntervalDay({{ttl anonymize}}) GROUP BY hour, org_id, org_type, user_type SET
        user_id = substring(any(user_id), 1, 0),
        session_id = substring(any(session_id), 1, 0),
        events = sum(events),
        migrations_created = sum(migrations_created),
        migrations_executed = sum(migrations_executed),
    hour + toIntervalDay({{ttl analytics}}) DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.user_activity_hours_mv{{local}} {{on_cluster}}
TO {{db}}.user_activity_hours{{local}}
AS SELECT
    toStartOfHour(created_at) AS hour,
    org_id, org_type, user_type, user_id, session_id,
    count() AS events,
    countIf(action = 'migration.created') AS migrations_created,
    countIf(action = 'migration.executed') AS migrations_executed
FROM {{db}}.user_activities{{local}}
GROUP BY hour, org_id, org_type, user_type, user_id, session_id;

{{distributed user_activity_hours cityHash64(user_id)}};

-- Rows written before this file existed, through the public name (the Distributed table on a cluster).
-- Running it again would count those events twice: it runs once, with the file.
INSERT INTO {{db}}.user_activity_hours
SELECT toStartOfHour(created_at) AS hour, org_id, org_type, user_type, user_id, session_id,
    count() AS events,
    countIf(action = 'migration.created') AS migrations_created,
    countIf(action = 'migration.executed') AS migrations_executed
FROM {{db}}.user_activities
GROUP BY hour, org_id, org_type, user_type, user_id, session_id;
