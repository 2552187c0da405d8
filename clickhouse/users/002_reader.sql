-- Grafana's datasource user: read-only (readonly = 2 still lets the plugin send query settings).
CREATE SETTINGS PROFILE IF NOT EXISTS tc9_reader_profile {{on_cluster}} SETTINGS readonly = 2, max_execution_time = 60;

CREATE USER IF NOT EXISTS {{user reader}} {{on_cluster}} IDENTIFIED WITH sha256_password BY {{password reader}} SETTINGS PROFILE 'tc9_reader_profile';

ALTER USER {{user reader}} {{on_cluster}} IDENTIFIED WITH sha256_password BY {{password reader}};

GRANT {{on_cluster}} SELECT ON {{db}}.* TO {{user reader}};
