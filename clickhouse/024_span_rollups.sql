-- span_minutes (023) rolled up to hours and days, for panels that aggregate over a whole range: a 7-day range
-- merges a few day rows and the hour rows of its edge days per series instead of ~10,000 minute rows. A
-- coarse row's t-digest is compressed, so merging it costs far less than merging the minutes it stands for
-- (time series keep reading minutes: per bucket the same durations, whichever table). Fed from span_minutes'
-- inserts (a view on its view), not from every span again; same columns and key, `start` being the bucket's
-- first minute; hours and days are UTC ones, so the panels find the same buckets whatever the session's time
-- zone. No user ids; kept as long as the spans (the day table's monthly partitions lose their rows by row TTL
-- instead of whole parts).
CREATE TABLE IF NOT EXISTS {{db}}.span_hours{{local}} {{on_cluster}} (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.span_hours_mv{{local}} {{on_cluster}}
TO {{db}}.span_hours{{local}}
AS SELECT
    toStartOfHour(m.start, 'UTC') AS start,
    span_kind, span_name, service, environment, route, method, operation,
    sum(calls) AS calls,
    sum(errors) AS errors,
    sum(duration_sum) AS duration_sum,
    max(duration_max) AS duration_max,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(duration_quantiles) AS duration_quantiles,
    argMaxMergeState(slowest_trace) AS slowest_trace
FROM {{db}}.span_minutes{{local}} AS m
GROUP BY start, span_kind, span_name, service, environment, route, method, operation;

{{distributed span_hours cityHash64(span_name)}};

-- What span_minutes holds already (its own backfill included), once, with the file.
INSERT INTO {{db}}.span_hours
SELECT
    toStartOfHour(m.start, 'UTC') AS start,
    span_kind, span_name, service, environment, route, method, operation,
    sum(calls) AS calls,
    sum(errors) AS errors,
    sum(duration_sum) AS duration_sum,
    max(duration_max) AS duration_max,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(duration_quantiles) AS duration_quantiles,
    argMaxMergeState(slowest_trace) AS slowest_trace
FROM {{db}}.span_minutes AS m
GROUP BY start, span_kind, span_name, service, environment, route, method, operation;

CREATE TABLE IF NOT EXISTS {{db}}.span_days{{local}} {{on_cluster}} (
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
PARTITION BY toYYYYMM(start)
ORDER BY (span_kind, span_name, start, service, environment, route, method, operation)
TTL toDate(start) + toIntervalDay({{ttl performance}})
SETTINGS index_granularity = 8192;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.span_days_mv{{local}} {{on_cluster}}
TO {{db}}.span_days{{local}}
AS SELECT
    toStartOfDay(m.start, 'UTC') AS start,
    span_kind, span_name, service, environment, route, method, operation,
    sum(calls) AS calls,
    sum(errors) AS errors,
    sum(duration_sum) AS duration_sum,
    max(duration_max) AS duration_max,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(duration_quantiles) AS duration_quantiles,
    argMaxMergeState(slowest_trace) AS slowest_trace
FROM {{db}}.span_minutes{{local}} AS m
GROUP BY start, span_kind, span_name, service, environment, route, method, operation;

{{distributed span_days cityHash64(span_name)}};

-- What span_minutes holds already (its own backfill included), once, with the file.
INSERT INTO {{db}}.span_days
SELECT
    toStartOfDay(m.start, 'UTC') AS start,
    span_kind, span_name, service, environment, route, method, operation,
    sum(calls) AS calls,
    sum(errors) AS errors,
    sum(duration_sum) AS duration_sum,
    max(duration_max) AS duration_max,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(duration_quantiles) AS duration_quantiles,
    argMaxMergeState(slowest_trace) AS slowest_trace
FROM {{db}}.span_minutes AS m
GROUP BY start, span_kind, span_name, service, environment, route, method, operation;
