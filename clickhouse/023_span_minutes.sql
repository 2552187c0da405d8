-- Per minute: how many spans, how many with status Error, their total and longest duration, a t-digest of
-- their durations and the trace id of the longest one, per span kind and name, service, environment,
-- http.route and method, and Prisma operation (model.method of prisma:client:operation spans, '' for others).
-- The Performance panels read these rows and their roll-ups (024) instead of every span
-- (src/dashboards/sql/span-stats.ts): counts, error rates, sums and maxima merge exactly; percentiles come from
-- merged quantilesTDigest states (ClickHouse's quantile() samples too); the longest span's trace id keeps the
-- slowest operation a link to its trace. No user ids: not part of GDPR erasure. Kept as long as the spans.
CREATE TABLE IF NOT EXISTS {{db}}.span_minutes{{local}} {{on_cluster}} (
    start DateTime,
    span_kind LowCardinality(String),
    span_name LowCardinality(String),
    service LowCardinality(String),
    environment LowCardinality(String),
    route LowCardinality(String),
    method LowCardinality(String),
    operation LowCardinality(String),
    calls SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    duration_sum SimpleAggregateFunction(sum, UInt64),
    duration_max SimpleAggregateFunction(max, UInt64),
    duration_quantiles AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64),
    slowest_trace AggregateFunction(argMax, String, UInt64)
) ENGINE = {{engine Aggregating}}
PARTITION BY toDate(start)
ORDER BY (span_kind, span_name, start, service, environment, route, method, operation)
TTL toDate(start) + toIntervalDay({{ttl performance}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.span_minutes_mv{{local}} {{on_cluster}}
TO {{db}}.span_minutes{{local}}
AS SELECT
    toStartOfMinute(Timestamp) AS start,
    SpanKind AS span_kind,
    SpanName AS span_name,
    ServiceName AS service,
    ResourceAttributes['deployment.environment.name'] AS environment,
    SpanAttributes['http.route'] AS route,
    SpanAttributes['http.request.method'] AS method,
    if(SpanName = 'prisma:client:operation',
       if(SpanAttributes['name'] != '', SpanAttributes['name'], concat(SpanAttributes['model'], '.', SpanAttributes['method'])), '') AS operation,
    count() AS calls,
    countIf(StatusCode = 'Error') AS errors,
    sum(Duration) AS duration_sum,
    max(Duration) AS duration_max,
    quantilesTDigestState(0.5, 0.95, 0.99)(Duration) AS duration_quantiles,
    argMaxState(TraceId, Duration) AS slowest_trace
FROM {{db}}.otel_traces{{local}}
GROUP BY start, span_kind, span_name, service, environment, route, method, operation;

{{distributed span_minutes cityHash64(span_name)}};

-- Spans written before this file existed, through the public name (the Distributed table on a cluster).
-- Running it again would count those spans twice: it runs once, with the file.
INSERT INTO {{db}}.span_minutes
SELECT
    toStartOfMinute(Timestamp) AS start,
    SpanKind AS span_kind,
    SpanName AS span_name,
    ServiceName AS service,
    ResourceAttributes['deployment.environment.name'] AS environment,
    SpanAttributes['http.route'] AS route,
    SpanAttributes['http.request.method'] AS method,
    if(SpanName = 'prisma:client:operation',
       if(SpanAttributes['name'] != '', SpanAttributes['name'], concat(SpanAttributes['model'], '.', SpanAttributes['method'])), '') AS operation,
    count() AS calls,
    countIf(StatusCode = 'Error') AS errors,
    sum(Duration) AS duration_sum,
    max(Duration) AS duration_max,
    quantilesTDigestState(0.5, 0.95, 0.99)(Duration) AS duration_quantiles,
    argMaxState(TraceId, Duration) AS slowest_trace
FROM {{db}}.otel_traces
GROUP BY start, span_kind, span_name, service, environment, route, method, operation;
