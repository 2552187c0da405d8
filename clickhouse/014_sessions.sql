-- Sessions rolled up from every log record carrying session.id (user_id: max, so '' never wins). Rows of
-- one session written in different blocks or days merge only partly: read with GROUP BY session_id.
CREATE TABLE IF NOT EXISTS {{db}}.sessions{{local}} {{on_cluster}} (
    day Date,
    session_id String,
    user_id SimpleAggregateFunction(max, String) TTL day + toIntervalDay({{ttl anonymize}}),
    started_at SimpleAggregateFunction(min, DateTime64(9)),
    last_activity_at SimpleAggregateFunction(max, DateTime64(9)),
    page_views SimpleAggregateFunction(sum, UInt64),
    actions_count SimpleAggregateFunction(sum, UInt64),
    errors_count SimpleAggregateFunction(sum, UInt64),
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(day)
ORDER BY (day, session_id)
TTL day + toIntervalDay({{ttl analytics}});

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.sessions_mv{{local}} {{on_cluster}}
TO {{db}}.sessions{{local}}
AS SELECT
    toDate(min(Timestamp)) AS day,
    LogAttributes['session.id'] AS session_id,
    max(LogAttributes['user.id']) AS user_id,
    min(Timestamp) AS started_at,
    max(Timestamp) AS last_activity_at,
    countIf(EventName = 'page.view') AS page_views,
    countIf(LogAttributes['tc9.event.kind'] = 'analytics') AS actions_count,
    countIf(EventName = 'tc9.error') AS errors_count
FROM {{db}}.otel_logs{{local}}
WHERE LogAttributes['session.id'] != ''
GROUP BY session_id;

{{distributed sessions cityHash64(session_id)}}
