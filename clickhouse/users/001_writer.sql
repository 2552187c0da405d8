-- The collector's clickhouseexporter and the embedded exporters: insert and read (the exporter runs
-- DESC TABLE at start to see which optional columns exist), nothing else. The password comes from the
-- environment at apply time; ALTER keeps it in step when it is rotated.
CREATE USER IF NOT EXISTS {{user writer}} {{on_cluster}} IDENTIFIED WITH sha256_password BY {{password writer}};

ALTER USER {{user writer}} {{on_cluster}} IDENTIFIED WITH sha256_password BY {{password writer}};

GRANT {{on_cluster}} SELECT, INSERT, SHOW COLUMNS ON {{db}}.* TO {{user writer}};
