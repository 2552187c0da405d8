-- Which service and environment sent spans or log records, per minute: the dashboards' $service and
-- $environment variables read this small table instead of every span's and log record's resource map.
-- first_seen/last_seen keep the exact time range inside the minute, so a variable query still lists
-- exactly the names seen between $__fromTime and $__toTime (for ranges of a minute or more).
-- Rows follow their source's retention (spans: performance, log records: errors).
CREATE TABLE IF NOT EXISTS {{db}}.service_environments{{local}} {{on_cluster}} (
    minute DateTime,
    source LowCardinality(String),
    service_name LowCardinality(String),
    environment LowCardinality(String),
    first_seen SimpleAggregateFunction(min, DateTime64(9)),
    last_seen SimpleAggregateFunction(max, DateTime64(9))
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, source, service_name, environment)
TTL toDate(minute) + toIntervalDay({{ttl performance}}) DELETE WHERE source = 'traces',
    toDate(minute) + toIntervalDay({{ttl errors}}) DELETE WHERE source = 'logs';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.service_environments_traces_mv{{local}} {{on_cluster}}
TO {{db}}.service_environments{{local}}
AS SELECT
    toStartOfMinute(Timestamp) AS minute,
    'traces' AS source,
    ServiceName AS service_name,
    ResourceAttributes['deployment.environment.name'] AS environment,
    min(Timestamp) AS first_seen,
    max(Timestamp) AS last_seen
FROM {{db}}.otel_traces{{local}}
GROUP BY minute, service_name, environment;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.service_environments_logs_mv{{local}} {{on_cluster}}
TO {{db}}.service_environments{{local}}
AS SELECT
    toStartOfMinute(Timestamp) AS minute,
    'logs' AS source,
    ServiceName AS service_name,
    ResourceAttributes['deployment.environment.name'] AS environment,
    min(Timestamp) AS first_seen,
    max(Timestamp) AS last_seen
FROM {{db}}.otel_logs{{local}}
GROUP BY minute, service_name, environment;

{{distributed service_environments cityHash64(service_name, environment)}};

-- Rows written before this file existed. Through the public names (the Distributed tables on a cluster),
-- so every shard's rows are read once. Running it again only adds duplicates that merge away.
INSERT INTO {{db}}.service_environments
SELECT toStartOfMinute(Timestamp) AS minute, 'traces' AS source, ServiceName AS service_name,
    ResourceAttributes['deployment.environment.name'] AS environment, min(Timestamp) AS first_seen, max(Timestamp) AS last_seen
FROM {{db}}.otel_traces
GROUP BY minute, service_name, environment;

INSERT INTO {{db}}.service_environments
SELECT toStartOfMinute(Timestamp) AS minute, 'logs' AS source, ServiceName AS service_name,
    ResourceAttributes['deployment.environment.name'] AS environment, min(Timestamp) AS first_seen, max(Timestamp) AS last_seen
FROM {{db}}.otel_logs
GROUP BY minute, service_name, environment;
