/**
 * Panels described as data (title, SQL, kind, unit, size) and turned into foundation-SDK panel builders, so the
 * dashboard modules read like a layout and every panel gets the same ClickHouse target shape.
 */
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueGraphMode,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsConfigBuilder, ThresholdsMode, type Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { ClickHouseFormat, clickhouseQuery, dashboardQuery } from './clickhouse-query.js';
import { CLICKHOUSE_DATASOURCE, DASHBOARD_DATASOURCE } from './datasource.js';
import { VARIABLE } from './variables.js';

export type PanelKind = 'timeseries' | 'bars' | 'stat' | 'table' | 'barchart';

export interface PanelSpec {
  title: string;
  /** What the panel shows and where its data comes from (shown as the panel's info tooltip). */
  description: string;
  kind: PanelKind;
  /** The panel's query; or sameDataAs. */
  sql?: string;
  /**
   * Title of an earlier panel of the dashboard whose result this panel shows (Grafana's "-- Dashboard --"
   * datasource) instead of running the same query again.
   */
  sameDataAs?: string;
  unit?: string;
  /** Grid width (of 24) and height. */
  width?: number;
  height?: number;
  stacked?: boolean;
  decimals?: number;
  /** [value, colour] steps from the base upwards (the first value is ignored: it is the base). */
  thresholds?: Array<[number, string]>;
  /** Table columns rendered as a link to Sentry's trace view. */
  traceIdColumns?: string[];
  /** Per-column units in tables. */
  columnUnits?: Record<string, string>;
  /** Bar charts: the string column on the x axis. */
  xField?: string;
  /** Show only these columns (a filterFieldsByName transformation), e.g. one measure of a wide result. */
  fields?: string[];
  /** Grafana's minimum interval ($__interval never below it), e.g. '1m' for data kept per minute. */
  minInterval?: string;
}

/** The ClickHouse format a panel kind needs: time series panels get long-to-wide frames, the rest tables. */
export function formatOf(kind: PanelKind): ClickHouseFormat {
  return kind === 'timeseries' || kind === 'bars' ? ClickHouseFormat.TimeSeries : ClickHouseFormat.Table;
}

const sentryTraceLink = () => ({
  id: 'links',
  value: [{ title: 'Open trace in Sentry', url: `\${${VARIABLE.sentryTraceUrl}}/\${__value.raw}/`, targetBlank: true }],
});

type AnyPanelBuilder = timeseries.PanelBuilder | stat.PanelBuilder | table.PanelBuilder | barchart.PanelBuilder;

function thresholds(steps: Array<[number, string]>) {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(steps.map(([value, color], i) => ({ value: i === 0 ? null : value, color })));
}

function timeseriesPanel(spec: PanelSpec): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
    .lineWidth(1)
    .fillOpacity(spec.kind === 'bars' ? 80 : 10)
    .drawStyle(spec.kind === 'bars' ? GraphDrawStyle.Bars : GraphDrawStyle.Line)
    .spanNulls(false);
  if (spec.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  return panel;
}

function statPanel(): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields(''));
}

function tablePanel(spec: PanelSpec): table.PanelBuilder {
  const panel = new table.PanelBuilder().filterable(true);
  for (const column of spec.traceIdColumns ?? []) panel.overrideByName(column, [sentryTraceLink()]);
  for (const [column, unit] of Object.entries(spec.columnUnits ?? {})) panel.overrideByName(column, [{ id: 'unit', value: unit }]);
  return panel;
}

function barchartPanel(spec: PanelSpec): barchart.PanelBuilder {
  const panel = new barchart.PanelBuilder();
  if (spec.xField) panel.xField(spec.xField);
  return panel.legend(
    new VizLegendOptionsBuilder().showLegend(false).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]),
  );
}

/** sourceId: the id of the panel named by spec.sameDataAs. */
export function buildPanel(spec: PanelSpec, id: number, sourceId?: number): cog.Builder<Panel> {
  if ((spec.sql === undefined) === (sourceId === undefined)) {
    throw new Error(`tc9-observability: panel "${spec.title}" needs either its SQL or the panel whose result it shows`);
  }
  let panel: AnyPanelBuilder;
  switch (spec.kind) {
    case 'timeseries':
    case 'bars':
      panel = timeseriesPanel(spec);
      break;
    case 'stat':
      panel = statPanel();
      break;
    case 'table':
      panel = tablePanel(spec);
      break;
    case 'barchart':
      panel = barchartPanel(spec);
      break;
  }
  panel
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(sourceId === undefined ? CLICKHOUSE_DATASOURCE : DASHBOARD_DATASOURCE)
    .withTarget(sourceId === undefined ? clickhouseQuery(spec.sql!, formatOf(spec.kind)) : dashboardQuery(sourceId))
    .span(spec.width ?? 12)
    .height(spec.height ?? 8);
  if (spec.fields) panel.withTransformation({ id: 'filterFieldsByName', options: { include: { names: spec.fields } } });
  if (spec.unit) panel.unit(spec.unit);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  if (spec.minInterval) panel.interval(spec.minInterval);
  if (spec.thresholds) panel.thresholds(thresholds(spec.thresholds));
  return panel;
}
