-- One row per migration phase (spans named 'migration.phase <phase>').
CREATE TABLE IF NOT EXISTS {{db}}.migration_phases{{local}} {{on_cluster}} (
    started_at DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    ended_at DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    duration_ms Float64,
    run_id String CODEC(ZSTD(1)),
    migration_id String CODEC(ZSTD(1)),
    phase LowCardinality(String),
    template LowCardinality(String),
    outcome LowCardinality(String),
    records_processed UInt64,
    records_failed UInt64,
    records_per_second Float64,
    memory_bytes UInt64,
    status_code LowCardinality(String),
    service_name LowCardinality(String),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    parent_span_id String CODEC(ZSTD(1)),
    INDEX idx_run_id run_id TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = {{engine}}
PARTITION BY toDate(started_at)
ORDER BY (phase, toDateTime(started_at))
TTL toDate(started_at) + toIntervalDay({{ttl analytics}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.migration_phases_mv{{local}} {{on_cluster}}
TO {{db}}.migration_phases{{local}}
AS SELECT
    Timestamp AS started_at,
    addNanoseconds(Timestamp, Duration) AS ended_at,
    Duration / 1e6 AS duration_ms,
    if(SpanAttributes['tc9.migration.run_id'] != '', SpanAttributes['tc9.migration.run_id'], TraceId) AS run_id,
    SpanAttributes['tc9.migration.id'] AS migration_id,
    if(SpanAttributes['tc9.migration.phase'] != '', SpanAttributes['tc9.migration.phase'], substring(SpanName, 17)) AS phase,
    SpanAttributes['tc9.migration.template'] AS template,
    if(SpanAttributes['tc9.migration.outcome'] != '', SpanAttributes['tc9.migration.outcome'],
       multiIf(StatusCode = 'Error', 'failed', StatusCode = 'Ok', 'succeeded', '')) AS outcome,
    toUInt64OrZero(SpanAttributes['tc9.migration.records.processed']) AS records_processed,
    toUInt64OrZero(SpanAttributes['tc9.migration.records.failed']) AS records_failed,
    if(toFloat64OrZero(SpanAttributes['tc9.migration.records_per_second']) > 0,
       toFloat64OrZero(SpanAttributes['tc9.migration.records_per_second']),
       if(Duration > 0, toUInt64OrZero(SpanAttributes['tc9.migration.records.processed']) / (Duration / 1e9), 0)) AS records_per_second,
    toUInt64OrZero(SpanAttributes['tc9.migration.memory_bytes']) AS memory_bytes,
    StatusCode AS status_code,
    ServiceName AS service_name,
    TraceId AS trace_id,
    SpanId AS span_id,
    ParentSpanId AS parent_span_id
FROM {{db}}.otel_traces{{local}}
WHERE startsWith(SpanName, 'migration.phase ');

{{distributed migration_phases rand()}}
