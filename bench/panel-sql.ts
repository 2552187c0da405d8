/**
 * The dashboards' SQL as ClickHouse receives it from Grafana and the ClickHouse plugin (4.20): panels and
 * query variables of the generated dashboards (src/dashboards), with $__conditionalAll and template
 * variables expanded the way the frontend does, then the plugin's backend macros (src/dashboards/grafana-expand.ts,
 * the same code the dashboard tests run).
 */
import { DASHBOARD_DIR, renderGrafanaFiles } from '../src/dashboards/render.js';
import { ALL, expandPanelSql as expandGrafanaPanelSql, type TemplateVariable, type TimeRange } from '../src/dashboards/grafana-expand.js';

export interface DashboardVariable {
  name: string;
  type: string;
  includeAll: boolean;
  /** SQL of a query variable. */
  sql?: string;
}

export interface DashboardPanel {
  id: number;
  title: string;
  type: string;
  sql: string;
}

export interface DashboardQueries {
  /** File name without .json, e.g. "performance". */
  name: string;
  title: string;
  variables: DashboardVariable[];
  panels: DashboardPanel[];
}

interface PanelJson {
  id: number;
  type: string;
  title: string;
  targets?: Array<{ rawSql?: string }>;
}
interface DashboardJson {
  title: string;
  panels: PanelJson[];
  templating: { list: Array<{ name: string; type: string; includeAll?: boolean; query?: { rawSql?: string } | string }> };
}

/** Every generated dashboard's panels (rows skipped) and variables, in dashboard order. */
export function dashboardQueries(): DashboardQueries[] {
  const out: DashboardQueries[] = [];
  for (const [path, content] of renderGrafanaFiles()) {
    if (!path.startsWith(`${DASHBOARD_DIR}/`)) continue;
    const d = JSON.parse(content) as DashboardJson;
    out.push({
      name: path.slice(DASHBOARD_DIR.length + 1).replace(/\.json$/, ''),
      title: d.title,
      variables: d.templating.list.map((v) => ({
        name: v.name,
        type: v.type,
        includeAll: v.includeAll === true,
        ...(v.type === 'query' && { sql: typeof v.query === 'string' ? v.query : (v.query?.rawSql ?? '') }),
      })),
      panels: d.panels
        .filter((p) => p.type !== 'row' && p.targets?.[0]?.rawSql)
        .map((p) => ({ id: p.id, title: p.title, type: p.type, sql: p.targets![0]!.rawSql! })),
    });
  }
  return out;
}

/**
 * A variable's current value: All (with the options its query returned), the values selected on a
 * multi-value variable (quoted as a list, even just one), or a single-value variable's value (inserted raw).
 */
export type VariableValue = { all: true; options: string[] } | { values: string[] } | { value: string };

/** The panel's SQL as ClickHouse receives it, expanded by the same code the dashboard tests use. */
export function expandPanelSql(sql: string, variables: Record<string, VariableValue>, range: TimeRange): string {
  const template: Record<string, TemplateVariable> = {};
  for (const [name, v] of Object.entries(variables)) {
    template[name] = 'all' in v ? { current: [ALL], options: v.options } : 'values' in v ? { current: v.values } : { current: v.value };
  }
  return expandGrafanaPanelSql(sql, { ...range, variables: template });
}
