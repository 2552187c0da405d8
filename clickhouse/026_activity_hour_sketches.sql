-- Per hour, organisation type and user type: sketches of the distinct users and of their sessions (events
-- with a user id only, as the panels count; uniqCombined(12): exact up to a few hundred per hour, then
-- HyperLogLog with about 1.6% standard error), from
-- user_activities. The User journeys time series of active users and sessions merge a few thousand of
-- these instead of counting millions of (hour, user) pairs, which no exact pre-aggregation avoids; they
-- say so in their descriptions. The range's edge hours are sketched from the events at query time, so
-- the range's bounds hold to the second.
-- A sketch keeps 32-bit hashes of ids, not ids, and cannot forget one user: GDPR erasure removes the user's
-- events and rows everywhere else, and these rows are dropped whole at the anonymisation age (there is no
-- id-free roll-up of a sketch to keep).
CREATE TABLE IF NOT EXISTS {{db}}.activity_hour_sketches{{local}} {{on_cluster}} (
    hour DateTime,
    org_type LowCardinality(String),
    user_type LowCardinality(String),
    users AggregateFunction(uniqCombined(12), String),
    sessions AggregateFunction(uniqCombined(12), String)
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, org_type, user_type)
TTL hour + toIntervalDay({{ttl anonymize}}) DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.activity_hour_sketches_mv{{local}} {{on_cluster}}
TO {{db}}.activity_hour_sketches{{local}}
AS SELECT
    toStartOfHour(created_at) AS hour,
    org_type, user_type,
    uniqCombinedStateIf(12)(user_id, user_id != '') AS users,
    uniqCombinedStateIf(12)(session_id, user_id != '') AS sessions
FROM {{db}}.user_activities{{local}}
GROUP BY hour, org_type, user_type;

{{distributed activity_hour_sketches rand()}};

-- Rows written before this file existed; runs once, with the file (a second run would be harmless for the
-- sketches, which count each id once, but it is not needed).
INSERT INTO {{db}}.activity_hour_sketches
SELECT toStartOfHour(created_at) AS hour, org_type, user_type,
    uniqCombinedStateIf(12)(user_id, user_id != '') AS users,
    uniqCombinedStateIf(12)(session_id, user_id != '') AS sessions
FROM {{db}}.user_activities
GROUP BY hour, org_type, user_type;
