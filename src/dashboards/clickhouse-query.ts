/**
 * The ClickHouse plugin's query (target) model, which the foundation SDK does not ship: a cog Dataquery so
 * panels accept it like any built-in query. Only the SQL editor shape is produced, exactly as the plugin
 * saves it; queryType is never set (the plugin would treat the target as a v3 query and migrate it).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { CLICKHOUSE_DATASOURCE, CLICKHOUSE_PLUGIN_VERSION, DASHBOARD_DATASOURCE } from './datasource.js';

/** How the plugin turns the result into frames. */
export enum ClickHouseFormat {
  /** Long-to-wide time series: first column a time, rows ascending by time, string columns become labels. */
  TimeSeries = 0,
  Table = 1,
  Logs = 2,
  Traces = 3,
  Multi = 4,
}

export interface ClickHouseQuery extends cog.Dataquery {
  refId: string;
  datasource: { type: string; uid: string };
  pluginVersion: string;
  editorType: 'sql';
  format: ClickHouseFormat;
  rawSql: string;
}

export class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  private refIdValue = 'A';
  private formatValue = ClickHouseFormat.Table;

  constructor(private readonly sql: string) {}

  refId(refId: string): this {
    this.refIdValue = refId;
    return this;
  }

  format(format: ClickHouseFormat): this {
    this.formatValue = format;
    return this;
  }

  build(): ClickHouseQuery {
    return {
      refId: this.refIdValue,
      datasource: { ...CLICKHOUSE_DATASOURCE },
      pluginVersion: CLICKHOUSE_PLUGIN_VERSION,
      editorType: 'sql',
      format: this.formatValue,
      rawSql: this.sql,
      // Marker method of the cog Dataquery union; functions do not survive JSON serialisation.
      _implementsDataqueryVariant() {},
    };
  }
}

export function clickhouseQuery(sql: string, format: ClickHouseFormat, refId = 'A'): ClickHouseQueryBuilder {
  return new ClickHouseQueryBuilder(sql).format(format).refId(refId);
}

/** A target on the "-- Dashboard --" datasource: the result of the panel with id `panelId`, as that panel's query returns it. */
export function dashboardQuery(panelId: number): cog.Builder<cog.Dataquery> {
  return {
    build: () => ({
      refId: 'A',
      datasource: { ...DASHBOARD_DATASOURCE },
      panelId,
      _implementsDataqueryVariant() {},
    }),
  };
}
