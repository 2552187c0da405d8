/** A dashboard described as rows of panel specs, built with the foundation SDK. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  RowBuilder,
  TimePickerBuilder,
  type Dashboard,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { buildPanel, type PanelSpec } from './panels.js';

export const DASHBOARD_TAG = 'tc9-observability';

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: cog.Builder<VariableModel>[];
  rows: Array<{ title: string; panels: PanelSpec[] }>;
  /** Default time range, e.g. now-6h. */
  from?: string;
}

export function buildDashboard(spec: DashboardSpec): Dashboard {
  const dashboard = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([DASHBOARD_TAG, ...spec.tags])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .timezone('browser')
    .time({ from: spec.from ?? 'now-6h', to: 'now' })
    .refresh('1m')
    .timepicker(new TimePickerBuilder().refreshIntervals(['30s', '1m', '5m', '15m', '1h']))
    .link(
      new DashboardLinkBuilder('tc9 dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
  for (const variable of spec.variables) dashboard.withVariable(variable);
  let id = 1;
  const idOf = new Map<string, number>();
  for (const row of spec.rows) {
    dashboard.withRow(new RowBuilder(row.title).id(id++));
    for (const panel of row.panels) {
      const sourceId = panel.sameDataAs === undefined ? undefined : idOf.get(panel.sameDataAs);
      if (panel.sameDataAs !== undefined && sourceId === undefined) {
        throw new Error(
          `tc9-observability: panel "${panel.title}" shows the result of "${panel.sameDataAs}", which is not an earlier panel with SQL`,
        );
      }
      if (panel.sql !== undefined) idOf.set(panel.title, id);
      dashboard.withPanel(buildPanel(panel, id++, sourceId));
    }
  }
  return dashboard.build();
}
