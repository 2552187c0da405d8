/**
 * The committed dashboards: generated from src/dashboards (no hand edits), every target in the ClickHouse
 * plugin's SQL shape, and every panel's and variable's SQL, expanded as Grafana and the plugin expand it,
 * run on chDB over the seeded scenario with the columns and types its panel needs and some rows.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLICKHOUSE_DATASOURCE, CLICKHOUSE_PLUGIN_VERSION, DASHBOARD_DATASOURCE } from '../../src/dashboards/datasource.js';
import { DASHBOARD_DIR, renderGrafanaFiles } from '../../src/dashboards/render.js';
import type { TestStore } from '../helpers/chdb.js';
import { ALL, expandPanelSql, type TemplateVariable } from '../helpers/grafana.js';
import { type QueryResult, runSql, tableProblems, timeSeriesProblems } from './frames.js';
import { seededStore } from './scenario/seed.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

interface Target {
  refId: string;
  datasource: { type: string; uid: string };
  pluginVersion: string;
  editorType: string;
  format: number;
  rawSql: string;
  queryType?: string;
}
/** A target on Grafana's "-- Dashboard --" datasource: another panel's result. */
interface SharedTarget {
  refId: string;
  datasource: { type: string; uid: string };
  panelId: number;
}
interface Override {
  matcher: { id: string; options: string };
  properties: Array<{ id: string; value: unknown }>;
}
interface PanelJson {
  id: number;
  type: string;
  title: string;
  targets?: Array<Target | SharedTarget>;
  datasource?: { type: string; uid: string };
  fieldConfig?: { overrides?: Override[] };
  options?: { xField?: string };
  transformations?: Array<{ id: string; options: { include?: { names?: string[] } } }>;
}
interface VariableJson {
  name: string;
  type: string;
  multi?: boolean;
  includeAll?: boolean;
  query?: { editorType: string; rawSql: string } | string;
  datasource?: { type: string; uid: string };
}
interface DashboardJson {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: PanelJson[];
  templating: { list: VariableJson[] };
  __inputs?: unknown;
}

const generated = renderGrafanaFiles();
const dashboardPaths = [...generated.keys()].filter((p) => p.startsWith(`${DASHBOARD_DIR}/`));
const dashboards = dashboardPaths.map((p) => JSON.parse(read(p)) as DashboardJson);
const panelsOf = (d: DashboardJson) => d.panels.filter((p) => p.type !== 'row');
const isShared = (panel: PanelJson) => panel.datasource?.uid === DASHBOARD_DATASOURCE.uid;
/** The panel whose ClickHouse query gives this panel its data: itself, or the one a shared-result panel names. */
const queryPanelOf = (d: DashboardJson, panel: PanelJson) =>
  isShared(panel) ? d.panels.find((p) => p.id === (panel.targets?.[0] as SharedTarget | undefined)?.panelId) : panel;

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const RANGE = { from: new Date(NOW - 6 * 3_600_000), to: new Date(NOW), intervalMs: 60_000 };

describe('generated Grafana files', () => {
  it.each([...generated.keys()])('%s is committed as generated (npm run dashboards)', (path) => {
    expect(read(path)).toBe(generated.get(path));
  });

  it('cover the four dashboards', () => {
    expect(dashboards.map((d) => d.title).sort()).toEqual(['Errors', 'Migrations', 'Performance', 'User journeys']);
  });
});

describe.each(dashboards.map((d) => [d.title, d] as const))('dashboard %s', (_title, dashboard) => {
  const provisionedUid = (
    parse(read('grafana/provisioning/datasources/clickhouse.yaml')) as { datasources: Array<{ uid: string; type: string }> }
  ).datasources[0];

  it('is provisionable as is (schema 42 for Grafana 12.4, no import placeholders, unique panel ids)', () => {
    expect(dashboard.schemaVersion).toBe(42);
    expect(dashboard.__inputs).toBeUndefined();
    expect(JSON.stringify(dashboard)).not.toContain('${DS_');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has ClickHouse SQL targets in the plugin shape on the provisioned datasource', () => {
    expect(provisionedUid).toEqual({ ...provisionedUid, uid: CLICKHOUSE_DATASOURCE.uid, type: CLICKHOUSE_DATASOURCE.type });
    for (const panel of panelsOf(dashboard)) {
      expect(panel.targets, panel.title).toHaveLength(1);
      if (isShared(panel)) {
        // Another panel's result, as Grafana stores it: that panel must be on the dashboard and run a query itself.
        const shared = panel.targets?.[0] as SharedTarget;
        expect(Object.keys(shared).sort(), panel.title).toEqual(['datasource', 'panelId', 'refId']);
        expect(shared).toMatchObject({ refId: 'A', datasource: DASHBOARD_DATASOURCE });
        expect(panel.datasource).toEqual(DASHBOARD_DATASOURCE);
        const source = queryPanelOf(dashboard, panel);
        expect(source?.datasource, `${panel.title} shows the result of panel ${shared.panelId}`).toEqual(CLICKHOUSE_DATASOURCE);
        continue;
      }
      const target = panel.targets?.[0] as Target;
      expect(Object.keys(target).sort(), panel.title).toEqual(['datasource', 'editorType', 'format', 'pluginVersion', 'rawSql', 'refId']);
      expect(target).toMatchObject({
        refId: 'A',
        editorType: 'sql',
        pluginVersion: CLICKHOUSE_PLUGIN_VERSION,
        datasource: CLICKHOUSE_DATASOURCE,
      });
      expect(target.format, panel.title).toBe(panel.type === 'timeseries' ? 0 : 1);
      expect(panel.datasource).toEqual(CLICKHOUSE_DATASOURCE);
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      expect(variable.datasource, variable.name).toEqual(CLICKHOUSE_DATASOURCE);
      expect(variable.query).toMatchObject({ editorType: 'sql' });
    }
  });

  it('links every trace id column to Sentry through the dashboard variable', () => {
    for (const panel of panelsOf(dashboard)) {
      for (const override of panel.fieldConfig?.overrides ?? []) {
        const links = override.properties.find((p) => p.id === 'links');
        if (!links) continue;
        expect(override.matcher).toEqual({ id: 'byName', options: 'TraceId' });
        expect(links.value).toEqual([{ title: 'Open trace in Sentry', url: '${sentry_trace_url}/${__value.raw}/', targetBlank: true }]);
        expect(dashboard.templating.list.map((v) => v.name)).toContain('sentry_trace_url');
      }
    }
  });
});

describe('dashboard SQL on the seeded scenario', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await seededStore({ now: NOW });
  });
  afterAll(async () => t?.drop());

  /** Variable values: All (with the options the variable query returns) or the given selection. */
  async function variablesFor(dashboard: DashboardJson, selection: Record<string, string[] | string>) {
    const variables: Record<string, TemplateVariable> = {
      sentry_trace_url: { current: 'https://sentry.example/organizations/acme/explore/traces/trace' },
    };
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const sql = typeof v.query === 'string' ? v.query : (v.query?.rawSql as string);
      const result = await runSql(t.store, expandPanelSql(sql, { ...RANGE, variables }));
      expect(result.columns, `variable ${v.name}`).toHaveLength(1);
      const options = result.rows.map((r) => String(Object.values(r)[0]));
      expect(options.length, `variable ${v.name} has options`).toBeGreaterThan(0);
      const chosen = selection[v.name];
      variables[v.name] = v.includeAll ? { current: chosen ?? [ALL], options } : { current: chosen ?? (options[0] as string), options };
    }
    return variables;
  }

  const selections: Array<[string, Record<string, string[] | string>]> = [
    ['All', {}],
    [
      'one service, environment and route',
      { service: ['migration-service'], environment: ['test'], route: ['/projects'], experiment: 'onboarding-flow' },
    ],
  ];

  describe.each(selections)('variables: %s', (_label, selection) => {
    it.each(dashboards.map((d) => [d.title, d] as const))(
      '%s: every panel returns the shape its panel needs, with rows',
      async (_title, dashboard) => {
        const variables = await variablesFor(dashboard, selection);
        const problems: string[] = [];
        for (const panel of panelsOf(dashboard)) {
          // A shared-result panel gets its source panel's frames: that query's result must fit this panel too.
          const target = queryPanelOf(dashboard, panel)?.targets?.[0] as Target;
          let result: QueryResult;
          try {
            result = await runSql(t.store, expandPanelSql(target.rawSql, { ...RANGE, variables }));
          } catch (err) {
            problems.push(`${panel.title}: ${(err as Error).message.split('\n')[0]}`);
            continue;
          }
          const referenced = [
            ...(panel.fieldConfig?.overrides ?? []).filter((o) => o.matcher.id === 'byName').map((o) => o.matcher.options),
            ...(panel.options?.xField ? [panel.options.xField] : []),
            ...(panel.transformations ?? []).flatMap((t) => (t.id === 'filterFieldsByName' ? (t.options.include?.names ?? []) : [])),
          ];
          const shape = target.format === 0 ? timeSeriesProblems(result) : tableProblems(result, panel.type, referenced);
          for (const p of shape) problems.push(`${panel.title}: ${p}`);
          if (result.rows.length === 0) problems.push(`${panel.title}: no rows`);
        }
        expect(problems).toEqual([]);
      },
    );
  });
});
