-- One row per analytics event (log records with tc9.event.kind = 'analytics'), named as in the spec's
-- user_activities table. Identifying columns are blanked after the anonymisation age, rows dropped after
-- the analytics age. The key follows the dashboards' filters: event name, then time.
CREATE TABLE IF NOT EXISTS {{db}}.user_activities{{local}} {{on_cluster}} (
    created_at DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    event_id String CODEC(ZSTD(1)),
    action LowCardinality(String),
    user_id String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    session_id String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    ip_address String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    user_agent String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    org_id LowCardinality(String),
    org_type LowCardinality(String),
    user_type LowCardinality(String),
    resource_type LowCardinality(String),
    resource_id String CODEC(ZSTD(1)),
    url_path String CODEC(ZSTD(1)),
    referrer String CODEC(ZSTD(1)),
    browser LowCardinality(String),
    os LowCardinality(String),
    device_type LowCardinality(String),
    feature_name LowCardinality(String),
    experiment_key LowCardinality(String),
    experiment_variant LowCardinality(String),
    duration_ms Nullable(Float64),
    properties Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    context Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    source LowCardinality(String),
    consent LowCardinality(String),
    service_name LowCardinality(String),
    service_version LowCardinality(String),
    environment LowCardinality(String),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_session_id session_id TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = {{engine}}
PARTITION BY toDate(created_at)
ORDER BY (action, toDateTime(created_at))
TTL toDate(created_at) + toIntervalDay({{ttl analytics}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.user_activities_mv{{local}} {{on_cluster}}
TO {{db}}.user_activities{{local}}
AS SELECT
    Timestamp AS created_at,
    LogAttributes['tc9.event.id'] AS event_id,
    EventName AS action,
    LogAttributes['user.id'] AS user_id,
    LogAttributes['session.id'] AS session_id,
    LogAttributes['client.address'] AS ip_address,
    LogAttributes['user_agent.original'] AS user_agent,
    LogAttributes['tc9.org.id'] AS org_id,
    LogAttributes['tc9.org.type'] AS org_type,
    LogAttributes['tc9.user.type'] AS user_type,
    LogAttributes['tc9.prop.resource_type'] AS resource_type,
    LogAttributes['tc9.prop.resource_id'] AS resource_id,
    LogAttributes['url.path'] AS url_path,
    LogAttributes['tc9.referrer'] AS referrer,
    LogAttributes['browser.name'] AS browser,
    LogAttributes['os.name'] AS os,
    LogAttributes['device.type'] AS device_type,
    LogAttributes['tc9.feature.name'] AS feature_name,
    LogAttributes['tc9.experiment.key'] AS experiment_key,
    LogAttributes['tc9.experiment.variant'] AS experiment_variant,
    toFloat64OrNull(LogAttributes['tc9.duration_ms']) AS duration_ms,
    mapApply((k, v) -> (substring(k, 10), v), mapFilter((k, v) -> startsWith(k, 'tc9.prop.'), LogAttributes)) AS properties,
    mapApply((k, v) -> (substring(k, 9), v), mapFilter((k, v) -> startsWith(k, 'tc9.ctx.'), LogAttributes)) AS context,
    LogAttributes['tc9.event.source'] AS source,
    LogAttributes['tc9.consent'] AS consent,
    ServiceName AS service_name,
    ResourceAttributes['service.version'] AS service_version,
    ResourceAttributes['deployment.environment.name'] AS environment,
    TraceId AS trace_id,
    SpanId AS span_id
FROM {{db}}.otel_logs{{local}}
WHERE LogAttributes['tc9.event.kind'] = 'analytics';

{{distributed user_activities rand()}}
