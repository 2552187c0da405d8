-- Which numbered files have been applied, with a checksum of each file's text (the migrator always runs
-- this one first; every statement in every file is idempotent).
CREATE TABLE IF NOT EXISTS {{db}}.schema_migrations{{local}} {{on_cluster}} (
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3) DEFAULT now64(3)
) ENGINE = {{engine Replacing(applied_at)}}
ORDER BY version;

{{distributed schema_migrations rand()}}
