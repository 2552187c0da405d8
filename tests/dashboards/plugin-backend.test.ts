/**
 * Every committed dashboard panel target, dashboard variable query and alert rule query, run through the
 * Grafana ClickHouse plugin's own Go backend (tests/grafana-plugin: v4.20.0's NewDatasource + QueryData over
 * clickhouse-go's HTTP protocol) against the ClickHouse HTTP front over chDB holding the seeded scenario.
 *
 * Before the plugin sees a dashboard query, Grafana's frontend has applied the dashboard's time range and the
 * variables ($__conditionalAll, template variables): that part is ours (src/dashboards/grafana-expand.ts),
 * the rest (backend macros, execution, frames) is the plugin's. The test fails on any query error, on an
 * empty result where the scenario has data, and wherever our TypeScript expansion (what the other dashboard
 * tests and the benchmark run) differs from the SQL the plugin executed: the plugin is the reference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLICKHOUSE_DATASOURCE, DASHBOARD_DATASOURCE } from '../../src/dashboards/datasource.js';
import type { TestStore } from '../helpers/chdb.js';
import { startClickHouseFront, type ClickHouseFront } from '../helpers/clickhouse-front.js';
import { ALL, applyConditionalAll, expandAlertSql, expandPanelSql, replaceVariables, type TemplateVariable } from '../helpers/grafana.js';
import { buildPluginHarness, runPluginQueries, type PluginDatasource, type PluginQuery, type PluginResult, type PluginRun } from '../helpers/grafana-plugin.js';
import { seededStore } from './scenario/seed.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

interface Target {
  refId: string;
  datasource: { type: string; uid: string };
  format?: number;
  rawSql: string;
  [key: string]: unknown;
}
interface PanelJson {
  id: number;
  type: string;
  title: string;
  interval?: string;
  maxDataPoints?: number;
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface VariableJson {
  name: string;
  type: string;
  includeAll?: boolean;
  query?: { editorType: string; rawSql: string } | string;
  current?: { value: string | string[] };
}
interface DashboardJson {
  uid: string;
  title: string;
  time: { from: string; to: string };
  panels: PanelJson[];
  templating: { list: VariableJson[] };
}
interface AlertQuery {
  refId: string;
  relativeTimeRange: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown> & { rawSql?: string; intervalMs?: number; maxDataPoints?: number; format?: number };
}
interface RulesFile {
  groups: Array<{ rules: Array<{ uid: string; title: string; data: AlertQuery[] }> }>;
}

/** Every committed dashboard (grafana/dashboards/**.json), not only the ones the generator knows. */
const DASHBOARD_ROOT = 'grafana/dashboards';
const dashboards = (readdirSync(new URL(`${DASHBOARD_ROOT}/`, ROOT), { recursive: true }) as string[])
  .filter((p) => p.endsWith('.json'))
  .sort()
  .map((p) => JSON.parse(read(`${DASHBOARD_ROOT}/${p}`)) as DashboardJson);
/** Every alert rule file Grafana provisions. */
const ALERTING_DIR = 'grafana/provisioning/alerting';
const rules = readdirSync(new URL(`${ALERTING_DIR}/`, ROOT))
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap((f) => (parse(read(`${ALERTING_DIR}/${f}`)) as Partial<RulesFile>).groups ?? [])
  .flatMap((g) => g.rules ?? []);

const NOW = Math.floor(Date.now() / 60_000) * 60_000;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
function durationMs(text: string): number {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(text);
  if (!m) throw new Error(`duration ${text} is not like 1m, 6h or 7d`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}
/** The dashboard's default time range ("now-6h" to "now"), at NOW. */
function dashboardRange(d: DashboardJson): { from: number; to: number } {
  const at = (t: string) => (t === 'now' ? NOW : NOW - durationMs(/^now-(\w+)$/.exec(t)?.[1] ?? t));
  return { from: at(d.time.from), to: at(d.time.to) };
}

/**
 * Grafana's panel interval: range / max data points rounded to a step of Grafana's interval table, never below
 * the panel's min interval. A panel's max data points is its width in pixels unless set; 1,000 stands in for
 * a wide panel. Both the plugin and our expansion get the same value, so the comparison does not depend on it.
 */
const MAX_DATA_POINTS = 1000;
const STEPS_MS = [1000, 2000, 5000, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];
function panelIntervalMs(range: { from: number; to: number }, panel?: PanelJson): number {
  const raw = (range.to - range.from) / (panel?.maxDataPoints ?? MAX_DATA_POINTS);
  const rounded = STEPS_MS.reduce((best, s) => (Math.abs(s - raw) < Math.abs(best - raw) ? s : best), STEPS_MS[0] as number);
  return Math.max(rounded, panel?.interval ? durationMs(panel.interval) : 0);
}

const SELECTIONS: Array<[string, Record<string, string[] | string>]> = [
  ['All', {}],
  ['one service, environment and route', { service: ['migration-service'], environment: ['test'], route: ['/projects'], experiment: 'onboarding-flow' }],
];

/** One query as Grafana hands it to the plugin, with our expansion of the same query for comparison. */
interface Planned {
  query: PluginQuery;
  /** SQL after the frontend steps: what the plugin receives as rawSql. */
  frontendSql: string;
  /** Our full expansion (frontend steps + src/queries/macros.ts): what we claim ClickHouse receives. */
  oursSql: string;
  /** The result must have rows: every dashboard panel and variable on the scenario, as dashboards.test.ts requires. */
  mustHaveRows: boolean;
}

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** Backend macro names the plugin knows (pkg/macros.ClickHouseMacros). */
const BACKEND_MACROS = /\$__(timeFilter_ms|timeFilter|dateFilter|dateTimeFilter|dt|timeFrom|timeTo|fromTime_ms|toTime_ms|fromTime|toTime|timeInterval_ms|timeInterval|timeGroup|interval_s|interval_ms|interval|table|column)\b/;

/** Macro calls whose arguments contain another backend macro (macropro before v1.0.1 leaves those unexpanded). */
function nestedMacroCalls(sql: string): string[] {
  const found: string[] = [];
  const re = /\$__\w+\(/g;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    let depth = 0;
    for (let i = m.index + m[0].length - 1; i < sql.length; i++) {
      if (sql[i] === '(') depth++;
      else if (sql[i] === ')' && --depth === 0) {
        const args = sql.slice(m.index + m[0].length, i);
        if (BACKEND_MACROS.test(args)) found.push(sql.slice(m.index, i + 1));
        break;
      }
    }
  }
  return found;
}

describe('every dashboard and alert query through the Grafana ClickHouse plugin backend', () => {
  let t: TestStore;
  let front: ClickHouseFront;
  let datasource: PluginDatasource;
  let buildMs = 0;
  const planned = new Map<string, Planned>();
  let batch: PluginRun;
  const results = new Map<string, PluginResult>();

  beforeAll(async () => {
    const [built, store] = await Promise.all([buildPluginHarness(), seededStore({ now: NOW })]);
    buildMs = built.ms;
    t = store;
    front = await startClickHouseFront({ store: t.store });
    // The provisioned datasource, pointed at the front: the plugin's HTTP protocol (provisioning uses native
    // on 9000, which the front does not speak; macros, converters and frames are the same for both).
    const provisioned = (parse(read('grafana/provisioning/datasources/clickhouse.yaml')) as { datasources: Array<{ jsonData: Record<string, unknown> }> })
      .datasources[0] as { jsonData: Record<string, unknown> };
    const url = new URL(front.url);
    datasource = {
      jsonData: { ...provisioned.jsonData, host: url.hostname, port: Number(url.port), protocol: 'http', username: 'default', defaultDatabase: front.database },
      secureJsonData: { password: '' },
    };

    // Variables first, in dashboard order (a variable query may use the variables before it): one plugin run
    // per position, every dashboard and selection at once. Their options come from the plugin's frames.
    const states = SELECTIONS.flatMap(([label, selection]) =>
      dashboards.map((d) => ({ label, selection, d, range: dashboardRange(d), variables: {} as Record<string, TemplateVariable> })),
    );
    for (const s of states) {
      for (const v of s.d.templating.list.filter((x) => x.type !== 'query')) {
        const value = v.current?.value ?? '';
        s.variables[v.name] = { current: value };
      }
    }
    const maxVariables = Math.max(...dashboards.map((d) => d.templating.list.filter((v) => v.type === 'query').length));
    for (let position = 0; position < maxVariables; position++) {
      const round: Array<{ s: (typeof states)[number]; v: VariableJson; key: string }> = [];
      for (const s of states) {
        const v = s.d.templating.list.filter((x) => x.type === 'query')[position];
        if (!v) continue;
        const key = `dashboard "${s.d.title}" / variable $${v.name} [${s.label}]`;
        const model = typeof v.query === 'string' ? { rawSql: v.query } : { ...v.query };
        const intervalMs = panelIntervalMs(s.range);
        const ctx = { from: new Date(s.range.from), to: new Date(s.range.to), intervalMs, variables: s.variables };
        const frontendSql = replaceVariables(applyConditionalAll(String(model.rawSql), s.variables), s.variables, ctx);
        const query: PluginQuery = { key, refId: 'A', model: { ...model, refId: 'A', rawSql: frontendSql }, ...s.range, intervalMs, maxDataPoints: MAX_DATA_POINTS, values: 100_000 };
        planned.set(key, { query, frontendSql, oursSql: expandPanelSql(String(model.rawSql), ctx), mustHaveRows: true });
        round.push({ s, v, key });
      }
      const run = await runPluginQueries(datasource, round.map((r) => (planned.get(r.key) as Planned).query));
      for (const [i, r] of round.entries()) {
        const result = run.results[i] as PluginResult;
        results.set(r.key, result);
        // metricFindQuery: one field gives the options (two: id and text; ours have one).
        const options = (result.frames[0]?.fields[0]?.values ?? []).map(String);
        const chosen = r.s.selection[r.v.name];
        r.s.variables[r.v.name] = r.v.includeAll ? { current: chosen ?? [ALL], options } : { current: chosen ?? (options[0] ?? ''), options };
      }
    }

    // Then every panel target (all selections) and every alert rule query, in one batch.
    const batchKeys: string[] = [];
    for (const s of states) {
      for (const panel of s.d.panels) {
        if (panel.type === 'row' || panel.datasource?.uid === DASHBOARD_DATASOURCE.uid) continue; // shared results run no query
        for (const target of panel.targets ?? []) {
          const key = `dashboard "${s.d.title}" / panel "${panel.title}" (id ${panel.id}) / query ${target.refId} [${s.label}]`;
          const intervalMs = panelIntervalMs(s.range, panel);
          const maxDataPoints = panel.maxDataPoints ?? MAX_DATA_POINTS;
          const ctx = { from: new Date(s.range.from), to: new Date(s.range.to), intervalMs, variables: s.variables };
          const frontendSql = replaceVariables(applyConditionalAll(target.rawSql, s.variables), s.variables, ctx);
          const query: PluginQuery = { key, refId: target.refId, model: { ...target, rawSql: frontendSql }, ...s.range, intervalMs, maxDataPoints };
          planned.set(key, { query, frontendSql, oursSql: expandPanelSql(target.rawSql, ctx), mustHaveRows: true });
          batchKeys.push(key);
        }
      }
    }
    for (const rule of rules) {
      for (const q of rule.data.filter((d) => d.datasourceUid !== '__expr__')) {
        const key = `alert rule ${rule.uid} ("${rule.title}") / query ${q.refId}`;
        const range = { from: NOW - q.relativeTimeRange.from * 1000, to: NOW - q.relativeTimeRange.to * 1000 };
        const intervalMs = Number(q.model.intervalMs ?? 1000);
        const rawSql = String(q.model.rawSql);
        // Alerting applies no template variables: the model goes to the plugin as provisioned.
        const query: PluginQuery = { key, refId: q.refId, model: q.model, ...range, intervalMs, maxDataPoints: Number(q.model.maxDataPoints ?? 43_200) };
        planned.set(key, { query, frontendSql: rawSql, oursSql: expandAlertSql(rawSql, { from: new Date(range.from), to: new Date(range.to), intervalMs }), mustHaveRows: false });
        batchKeys.push(key);
      }
    }
    batch = await runPluginQueries(datasource, batchKeys.map((k) => (planned.get(k) as Planned).query));
    for (const r of batch.results) results.set(r.key, r);
  }, 900_000); // a cold Go build of the harness takes about 5 minutes on 2 cores

  afterAll(async () => {
    await front?.close();
    await t?.drop();
  });

  it('runs the v4.20.0 release build of the plugin over HTTP on every committed query', () => {
    expect(batch.modules['github.com/grafana/clickhouse-datasource']).toBe('v1.0.1-0.20260720193101-973c4a508220');
    const panelQueries = dashboards.flatMap((d) =>
      d.panels.filter((p) => p.type !== 'row' && p.datasource?.uid === CLICKHOUSE_DATASOURCE.uid).flatMap((p) => p.targets ?? []),
    );
    const variableQueries = dashboards.flatMap((d) => d.templating.list.filter((v) => v.type === 'query'));
    const alertQueries = rules.flatMap((r) => r.data.filter((d) => d.datasourceUid !== '__expr__'));
    expect(panelQueries.length).toBeGreaterThan(40);
    expect(alertQueries.length).toBe(rules.length);
    expect(results.size).toBe(SELECTIONS.length * (panelQueries.length + variableQueries.length) + alertQueries.length);
    // Every result came over the front: the plugin's own connection, not a shortcut.
    expect(front.requests.filter((r) => /^SELECT displayName\(\), version\(\), revision\(\), timezone\(\)/.test(r.query)).length).toBeGreaterThan(0);
    const alertsWithRows = [...results.values()].filter((r) => r.key.startsWith('alert rule') && r.frames.some((f) => f.rows > 0)).length;
    console.info(
      `plugin harness build ${Math.round(buildMs)} ms; ${results.size} queries (alert queries with rows on the healthy scenario: ${alertsWithRows}/${alertQueries.length}); front requests ${front.requests.length}`,
    );
  });

  it('has no backend macro nested in another macro call (macropro v1.0.0, linked here, would not expand it as v1.0.1 does)', () => {
    const nested = [...planned].flatMap(([key, p]) => nestedMacroCalls(p.frontendSql).map((call) => `${key}: ${call}`));
    expect(nested).toEqual([]);
  });

  it('answers every query without an error, with rows wherever the scenario has data', async () => {
    const problems: string[] = [];
    for (const [key, p] of planned) {
      const r = results.get(key);
      if (!r) {
        problems.push(`${key}: no result`);
        continue;
      }
      if (r.error || r.interpolationError) {
        problems.push(`${key}: ${(r.error ?? r.interpolationError ?? '').split('\n')[0]}`);
        continue;
      }
      const rows = r.frames.reduce((n, f) => n + f.rows, 0);
      // What chDB answers to the same SQL directly (our expansion; the last test holds it equal to the plugin's).
      // Alert queries: the scenario has data for one when that has rows.
      const expected = (await t.store.query(p.oursSql)).length;
      if ((p.mustHaveRows || expected > 0) && rows === 0) problems.push(`${key}: empty result (the scenario has ${expected} rows)`);
      // Tables (format 1) come back as one frame of the query's rows (time series are reshaped long to wide).
      if (p.query.model.format === 1 && rows !== expected) problems.push(`${key}: ${rows} rows through the plugin, ${expected} from chDB directly`);
    }
    expect(problems).toEqual([]);
  });

  it('gets the same frames when ClickHouse gzips its answers (the plugin asks with Accept-Encoding: gzip)', async () => {
    // clickhouse-go (HTTP, gzip) sends Accept-Encoding: gzip but not enable_http_compression=1, so a server,
    // and the front, answer uncompressed unless the datasource's custom settings turn it on; here they do.
    // A pass-through proxy between the plugin and the front records how each answer was encoded.
    const encodings: string[] = [];
    const target = new URL(front.url);
    const proxy = createServer((req, res) => {
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        encodings.push(String(answer.headers['content-encoding'] ?? 'identity'));
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const keys = [...planned.keys()].filter((k) => k.startsWith('alert rule') || k.includes('[All]'));
      const compressed = {
        ...datasource,
        jsonData: { ...datasource.jsonData, port: (proxy.address() as AddressInfo).port, customSettings: [{ setting: 'enable_http_compression', value: '1' }] },
      };
      const again = await runPluginQueries(compressed, keys.map((k) => (planned.get(k) as Planned).query));
      expect(encodings.filter((e) => e === 'gzip').length).toBeGreaterThanOrEqual(keys.length);
      const framesOf = (r: PluginResult | undefined) => ({ error: r?.error, frames: r?.frames });
      for (const r of again.results) expect(framesOf(r), r.key).toEqual(framesOf(results.get(r.key)));
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('executes exactly the SQL our TypeScript expansion produces (up to whitespace)', () => {
    const differences: string[] = [];
    for (const [key, p] of planned) {
      const r = results.get(key);
      const executed = r?.executedSql ?? r?.interpolatedSql;
      if (executed === undefined) {
        differences.push(`${key}: the plugin reported no SQL (${r?.error ?? r?.interpolationError ?? 'no result'})`);
        continue;
      }
      if (r?.executedSql !== undefined && r.interpolatedSql !== undefined && r.executedSql !== r.interpolatedSql) {
        differences.push(`${key}: the executed SQL is not pkg/macros.Interpolate's`);
      }
      if (normalise(executed) !== normalise(p.oursSql)) differences.push(`${key}:\n  plugin: ${normalise(executed)}\n  ours:   ${normalise(p.oursSql)}`);
    }
    expect(differences).toEqual([]);
  });
});
