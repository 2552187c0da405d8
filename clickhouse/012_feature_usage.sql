-- Per day, feature and user: how often and how long (EventName 'feature.used'). After the anonymisation
-- age the TTL rolls a day's rows up per feature with the user blanked (TTL SET needs an aggregate, hence
-- substring(any(user_id), 1, 0) for the empty string).
CREATE TABLE IF NOT EXISTS {{db}}.feature_usage{{local}} {{on_cluster}} (
    day Date,
    feature_name LowCardinality(String),
    user_id String,
    usage_count SimpleAggregateFunction(sum, UInt64),
    first_used_at SimpleAggregateFunction(min, DateTime64(9)),
    last_used_at SimpleAggregateFunction(max, DateTime64(9)),
    total_duration_ms SimpleAggregateFunction(sum, Float64),
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(day)
ORDER BY (feature_name, day, user_id)
TTL day + toIntervalDay({{ttl anonymize}}) GROUP BY feature_name, day SET
        user_id = substring(any(user_id), 1, 0),
        usage_count = sum(usage_count),
        first_used_at = min(first_used_at),
        last_used_at = max(last_used_at),
        total_duration_ms = sum(total_duration_ms),
    day + toIntervalDay({{ttl analytics}}) DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.feature_usage_mv{{local}} {{on_cluster}}
TO {{db}}.feature_usage{{local}}
AS SELECT
    toDate(Timestamp) AS day,
    if(LogAttributes['tc9.feature.name'] != '', LogAttributes['tc9.feature.name'], LogAttributes['tc9.prop.feature']) AS feature_name,
    LogAttributes['user.id'] AS user_id,
    count() AS usage_count,
    min(Timestamp) AS first_used_at,
    max(Timestamp) AS last_used_at,
    sum(ifNull(toFloat64OrNull(LogAttributes['tc9.duration_ms']), 0)) AS total_duration_ms
FROM {{db}}.otel_logs{{local}}
WHERE EventName = 'feature.used'
GROUP BY day, feature_name, user_id;

{{distributed feature_usage cityHash64(user_id)}}
