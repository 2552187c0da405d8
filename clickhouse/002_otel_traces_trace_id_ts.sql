-- First and last span time per trace id, so a trace lookup by id reads one day's partitions, not all.
CREATE TABLE IF NOT EXISTS {{db}}.otel_traces_trace_id_ts{{local}} {{on_cluster}} (
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(ZSTD(1))
) ENGINE = {{engine Aggregating}}
PARTITION BY toStartOfWeek(Start)
ORDER BY TraceId
TTL toDate(Start) + toIntervalDay({{ttl performance}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.otel_traces_trace_id_ts_mv{{local}} {{on_cluster}}
TO {{db}}.otel_traces_trace_id_ts{{local}}
AS SELECT
    TraceId,
    min(toDateTime(Timestamp)) AS Start,
    max(toDateTime(Timestamp)) AS End
FROM {{db}}.otel_traces{{local}}
WHERE TraceId != ''
GROUP BY TraceId;

{{distributed otel_traces_trace_id_ts cityHash64(TraceId)}}
