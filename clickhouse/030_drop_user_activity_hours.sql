-- user_activity_hours (022) is read by no dashboard panel any more: the User journeys panels count from the
-- per-day tables (025, 027) and the hourly sketches (026, 028). Its view cost every analytics insert a
-- GROUP BY over the user_activities block (about 1 µs of the embedded store's CPU per event), so the view
-- goes first (no more rows), then the table with the user and session ids it held: on a cluster the
-- Distributed table under the public name and the local tables; on a single node the two DROP TABLEs name
-- the same table, and the second finds nothing.
DROP VIEW IF EXISTS {{db}}.user_activity_hours_mv{{local}} {{on_cluster}} SYNC;

DROP TABLE IF EXISTS {{db}}.user_activity_hours {{on_cluster}} SYNC;

DROP TABLE IF EXISTS {{db}}.user_activity_hours{{local}} {{on_cluster}} SYNC;
