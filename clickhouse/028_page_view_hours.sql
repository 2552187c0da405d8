-- Per hour and page (url_path of page.view events): views, and a sketch of the distinct viewers
-- (uniqCombined(12): exact up to a few hundred, then HyperLogLog with about 1.6% error), from
-- user_activities. The Top pages panel reads a few thousand rows here instead of every page view; the
-- range's edge hours come from the events at query time, so views stay exact to the second and only the
-- viewer count is approximate (the panel says so).
-- A sketch keeps 32-bit hashes of ids, not ids, and cannot forget one user: as activity_hour_sketches
-- (026), the rows are dropped whole at the anonymisation age.
CREATE TABLE IF NOT EXISTS {{db}}.page_view_hours{{local}} {{on_cluster}} (
    hour DateTime,
    url_path String,
    views SimpleAggregateFunction(sum, UInt64),
    users AggregateFunction(uniqCombined(12), String)
) ENGINE = {{engine Aggregating}}
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, url_path)
TTL hour + toIntervalDay({{ttl anonymize}}) DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.page_view_hours_mv{{local}} {{on_cluster}}
TO {{db}}.page_view_hours{{local}}
AS SELECT
    toStartOfHour(created_at) AS hour,
    url_path,
    count() AS views,
    uniqCombinedState(12)(user_id) AS users
FROM {{db}}.user_activities{{local}}
WHERE action = 'page.view' AND url_path != ''
GROUP BY hour, url_path;

{{distributed page_view_hours rand()}};

-- Rows written before this file existed; runs once, with the file (a second run would count views twice).
INSERT INTO {{db}}.page_view_hours
SELECT toStartOfHour(created_at) AS hour, url_path,
    count() AS views,
    uniqCombinedState(12)(user_id) AS users
FROM {{db}}.user_activities
WHERE action = 'page.view' AND url_path != ''
GROUP BY hour, url_path;
