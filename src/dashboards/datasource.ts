/** The one ClickHouse datasource every panel, variable and alert rule queries (grafana/provisioning/datasources). */
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

export const CLICKHOUSE_PLUGIN_ID = 'grafana-clickhouse-datasource';
/** The plugin version the targets are written for (and that docker-compose.yml installs). */
export const CLICKHOUSE_PLUGIN_VERSION = '4.20.0';
/** Fixed in provisioning so dashboards, alert rules and data links survive re-provisioning. */
export const CLICKHOUSE_DATASOURCE_UID = 'tc9-clickhouse';

export const CLICKHOUSE_DATASOURCE: Required<Pick<DataSourceRef, 'type' | 'uid'>> = {
  type: CLICKHOUSE_PLUGIN_ID,
  uid: CLICKHOUSE_DATASOURCE_UID,
};

/**
 * Grafana's built-in "-- Dashboard --" datasource: a panel on it shows another panel's query result, so two
 * views of one result cost one query.
 */
export const DASHBOARD_DATASOURCE: Required<Pick<DataSourceRef, 'type' | 'uid'>> = {
  type: 'datasource',
  uid: '-- Dashboard --',
};
