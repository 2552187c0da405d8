-- One row per performance event (EventName 'tc9.performance': trackPageLoad, endTimer, web vitals).
-- The value is tc9.duration_ms (unit ms) unless the event carries tc9.prop.value / tc9.prop.unit.
CREATE TABLE IF NOT EXISTS {{db}}.performance_metrics{{local}} {{on_cluster}} (
    created_at DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    metric_type LowCardinality(String),
    metric_name LowCardinality(String),
    value Float64,
    unit LowCardinality(String),
    user_id String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    session_id String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    url_path String CODEC(ZSTD(1)),
    properties Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    service_name LowCardinality(String),
    trace_id String CODEC(ZSTD(1)),
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = {{engine}}
PARTITION BY toDate(created_at)
ORDER BY (metric_type, metric_name, toDateTime(created_at))
TTL toDate(created_at) + toIntervalDay({{ttl performance}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.performance_metrics_mv{{local}} {{on_cluster}}
TO {{db}}.performance_metrics{{local}}
AS SELECT
    Timestamp AS created_at,
    LogAttributes['tc9.metric.type'] AS metric_type,
    LogAttributes['tc9.metric.name'] AS metric_name,
    coalesce(toFloat64OrNull(LogAttributes['tc9.prop.value']), toFloat64OrNull(LogAttributes['tc9.duration_ms']), 0) AS value,
    if(LogAttributes['tc9.prop.unit'] != '', LogAttributes['tc9.prop.unit'], 'ms') AS unit,
    LogAttributes['user.id'] AS user_id,
    LogAttributes['session.id'] AS session_id,
    LogAttributes['url.path'] AS url_path,
    mapApply((k, v) -> (substring(k, 10), v), mapFilter((k, v) -> startsWith(k, 'tc9.prop.'), LogAttributes)) AS properties,
    ServiceName AS service_name,
    TraceId AS trace_id
FROM {{db}}.otel_logs{{local}}
WHERE EventName = 'tc9.performance';

{{distributed performance_metrics rand()}}
