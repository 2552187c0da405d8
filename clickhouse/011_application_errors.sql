-- One row per classified error occurrence (EventName 'tc9.error'), grouped by fingerprint in queries.
-- The release is the Sentry default, <service.name>@<service.version>, unless the resource says otherwise.
CREATE TABLE IF NOT EXISTS {{db}}.application_errors{{local}} {{on_cluster}} (
    created_at DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    event_id String CODEC(ZSTD(1)),
    fingerprint String CODEC(ZSTD(1)),
    error_type LowCardinality(String),
    error_message String CODEC(ZSTD(1)),
    stack_trace String CODEC(ZSTD(1)),
    category LowCardinality(String),
    severity LowCardinality(String),
    user_id String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    session_id String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    user_agent String TTL toDate(created_at) + toIntervalDay({{ttl anonymize}}),
    url_path String CODEC(ZSTD(1)),
    release LowCardinality(String),
    environment LowCardinality(String),
    service_name LowCardinality(String),
    properties Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = {{engine}}
PARTITION BY toDate(created_at)
ORDER BY (service_name, fingerprint, toDateTime(created_at))
TTL toDate(created_at) + toIntervalDay({{ttl errors}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.application_errors_mv{{local}} {{on_cluster}}
TO {{db}}.application_errors{{local}}
AS SELECT
    Timestamp AS created_at,
    LogAttributes['tc9.event.id'] AS event_id,
    if(LogAttributes['tc9.error.fingerprint'] != '', LogAttributes['tc9.error.fingerprint'],
       lower(hex(cityHash64(LogAttributes['exception.type'], LogAttributes['exception.message'])))) AS fingerprint,
    LogAttributes['exception.type'] AS error_type,
    if(LogAttributes['exception.message'] != '', LogAttributes['exception.message'], Body) AS error_message,
    LogAttributes['exception.stacktrace'] AS stack_trace,
    LogAttributes['tc9.error.category'] AS category,
    if(LogAttributes['tc9.error.severity'] != '', LogAttributes['tc9.error.severity'], lower(SeverityText)) AS severity,
    LogAttributes['user.id'] AS user_id,
    LogAttributes['session.id'] AS session_id,
    LogAttributes['user_agent.original'] AS user_agent,
    LogAttributes['url.path'] AS url_path,
    if(ResourceAttributes['tc9.release'] != '', ResourceAttributes['tc9.release'],
       concat(ServiceName, '@', ResourceAttributes['service.version'])) AS release,
    ResourceAttributes['deployment.environment.name'] AS environment,
    ServiceName AS service_name,
    mapApply((k, v) -> (substring(k, 10), v), mapFilter((k, v) -> startsWith(k, 'tc9.prop.'), LogAttributes)) AS properties,
    TraceId AS trace_id,
    SpanId AS span_id
FROM {{db}}.otel_logs{{local}}
WHERE EventName = 'tc9.error';

{{distributed application_errors rand()}}
