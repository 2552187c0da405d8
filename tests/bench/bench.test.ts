/**
 * The benchmark suite's logic, on real inputs, without timing anything: statistics, goal verdicts, the table
 * and results.md renderers, machine info, the Grafana expansion of panel SQL (checked against the tests' own
 * expansion), the generated week of telemetry (run on real chDB, every dashboard panel over it), the
 * collector config readers, the discard sink and the --only parser.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorBucketsMs, eventsSql, runtimeGaugesSql, spanMetricsSql, spansSql } from '../../bench/dashboard-data.js';
import { collectorFlushTimeout } from '../../bench/error-latency.js';
import { load } from '../../bench/load.js';
import { installedVersion, machineInfo, MEASURED_PACKAGES, repoRoot } from '../../bench/machine.js';
import { dashboardQueries, expandPanelSql, type VariableValue } from '../../bench/panel-sql.js';
import {
  evaluate,
  formatTable,
  goals,
  renderResultsMarkdown,
  renderTerminal,
  TABLE_HEADER,
  tableRows,
  tally,
  type BenchmarkResult,
  type SuiteResult,
} from '../../bench/report.js';
import { closedPort, startSink } from '../../bench/sinks.js';
import { median, percentile, ratio } from '../../bench/stats.js';
import { BENCHMARKS, parseOnly } from '../../bench/suite.js';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { ALL, expandPanelSql as testsExpandPanelSql, type TemplateVariable } from '../helpers/grafana.js';

const ROOT = repoRoot();
const COLLECTOR_YAML = readFileSync(`${ROOT}/otel-collector-config.yaml`, 'utf8');

describe('stats', () => {
  it('interpolates percentiles between closest ranks and takes medians', () => {
    const latencies = [12.5, 3.1, 7.7, 1.2, 9.9, 4.4, 30.2, 5.5, 6.6, 2.2];
    expect(percentile(latencies, 0)).toBe(1.2);
    expect(percentile(latencies, 100)).toBe(30.2);
    // Sorted: 1.2 2.2 3.1 4.4 5.5 6.6 7.7 9.9 12.5 30.2; p50 between 5.5 and 6.6.
    expect(percentile(latencies, 50)).toBeCloseTo(6.05, 10);
    expect(median(latencies)).toBeCloseTo(6.05, 10);
    // p90: rank 8.1 -> 12.5 + 0.1 * (30.2 - 12.5).
    expect(percentile(latencies, 90)).toBeCloseTo(14.27, 10);
    expect(median([3, 1, 2])).toBe(2);
    expect(latencies[0]).toBe(12.5); // input left unsorted
  });

  it('refuses empty input and out-of-range percentiles; a ratio to nothing is NaN', () => {
    expect(() => percentile([], 50)).toThrow(/empty/);
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
    expect(ratio(5, 2)).toBe(2.5);
    expect(ratio(5, 0)).toBeNaN();
  });
});

const result = (figures: BenchmarkResult['figures'], extra: Partial<BenchmarkResult> = {}): BenchmarkResult => ({
  name: 'http',
  title: 'HTTP overhead | on the reference service',
  figures,
  notes: ['10 rounds', 'route GET /projects'],
  seconds: 12.3,
  ...extra,
});

const throughput = {
  name: 'throughput',
  value: 980,
  unit: 'req/s',
  baseline: 1000,
  baselineName: 'without the layer',
  goal: goals.min('ratio', 0.98, 'loss <= 2%'),
};
const p99 = {
  name: 'latency p99',
  value: 21,
  unit: 'ms',
  baseline: 20,
  baselineName: 'without the layer',
  goal: goals.max('ratio', 1.05, '+<= 5%'),
};
const memory = {
  name: 'peak RSS',
  value: 300,
  unit: 'MB',
  baseline: 230,
  baselineName: 'without',
  goal: goals.max('delta', 64, 'delta < 64 MB'),
};
const events = {
  name: 'events/s',
  value: 5000,
  unit: 'events/s',
  baseline: 12000,
  baselineName: 'raw insert',
  goal: goals.min('value', 100_000, '>= 100,000'),
};
const p50 = { name: 'latency p50', value: 10, unit: 'ms', baseline: 9, baselineName: 'without the layer' };
const panel = (name: string, value: number) => ({
  name,
  value,
  unit: 'ms',
  baseline: 20,
  baselineName: 'count()',
  goal: goals.max('value', 300, '< 300 ms'),
  detail: true,
});

describe('goal verdicts', () => {
  it('checks the value, the ratio or the delta against the limit', () => {
    expect(evaluate(throughput)).toMatchObject({ ratio: 0.98, delta: -20, verdict: 'pass' });
    expect(evaluate({ ...throughput, value: 979 }).verdict).toBe('miss');
    expect(evaluate(p99)).toMatchObject({ ratio: 1.05, verdict: 'pass' });
    expect(evaluate({ ...p99, value: 21.1 }).verdict).toBe('miss');
    expect(evaluate(memory)).toMatchObject({ delta: 70, verdict: 'miss' });
    expect(evaluate({ ...memory, value: 293 }).verdict).toBe('pass');
    expect(evaluate(events).verdict).toBe('miss');
    expect(evaluate(p50).verdict).toBe('n/a');
    // A ratio goal against a zero baseline cannot be met.
    expect(evaluate({ ...throughput, baseline: 0 }).verdict).toBe('miss');
  });

  it('tallies verdicts and failed benchmarks', () => {
    const results = [
      result([throughput, p99, memory, p50, { ...memory, highlight: true }]),
      result([], { name: 'dashboards', error: 'chDB: no space left' }),
    ];
    expect(tally(results)).toEqual({ pass: 2, miss: 1, 'n/a': 1, error: 1 });
  });
});

describe('rendering', () => {
  const suite: SuiteResult = {
    machine: machineInfo(ROOT, new Date('2026-03-01T10:00:00Z')),
    quick: false,
    seconds: 754.2,
    benchmarks: [
      result([throughput, p99, p50]),
      result(
        [memory, panel('Errors / Totals (24 h)', 120), panel('Errors / Top groups (24 h)', 450), panel('Errors / Recent (24 h)', 80)],
        {
          name: 'memory',
          title: 'Memory with the collector down',
        },
      ),
      result([], { name: 'dashboards', title: 'Dashboards', error: 'boom\nstack' }),
    ],
  };

  it('makes one table row per figure, with value, baseline, ratio, goal and verdict; detail figures folded into one', () => {
    const rows = tableRows(suite.benchmarks);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual(['http', 'throughput', '980 req/s', '1,000 req/s (without the layer)', '0.980x', 'loss <= 2%', 'pass']);
    expect(rows[2]).toEqual(['http', 'latency p50', '10 ms', '9 ms (without the layer)', '1.111x', '-', 'n/a']);
    expect(rows[3]).toEqual(['memory', 'peak RSS', '300 MB', '230 MB (without)', '1.304x', 'delta < 64 MB', 'miss']);
    expect(rows[4]).toEqual(['memory', '3 detail figures (see the section)', '-', '-', '-', '< 300 ms', '2 pass, 1 miss']);
    expect(rows[5]).toEqual(['dashboards', 'did not run', '-', '-', '-', '-', 'error: boom']);
  });

  it('aligns the terminal table in columns and ends with the tally', () => {
    const text = renderTerminal(suite);
    const lines = text.split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual([...TABLE_HEADER]);
    expect(lines[1]).toMatch(/^-+( {2}-+){6}$/);
    const resultColumn = lines[0]!.indexOf('Result');
    for (const line of lines.slice(2, 8))
      expect(['pass', 'miss', 'n/a', 'erro', '2 pa']).toContain(line.slice(resultColumn, resultColumn + 4));
    expect(lines.at(-1)).toBe('4 pass, 2 miss, 1 without goal, 1 benchmark(s) failed; 754 s');
    expect(formatTable(['a', 'bb'], [['ccc', 'd']])).toBe('a    bb\n---  --\nccc  d');
  });

  it('writes results.md with the machine, a summary and a section per benchmark', () => {
    const md = renderResultsMarkdown(suite);
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Benchmark results',
      '## Machine',
      '## Summary',
      '## HTTP overhead | on the reference service (`http`, 12 s)',
      '## Memory with the collector down (`memory`, 12 s)',
      '## Dashboards (`dashboards`, 12 s)',
    ]);
    expect(md).toContain(`| CPU | ${suite.machine.cpuModel} |`);
    expect(md).toContain(`| Cores | ${cpus().length} |`);
    expect(md).toContain(`| Node.js | ${process.version} |`);
    expect(md).toContain(`| chdb | ${installedVersion(ROOT, 'chdb')} |`);
    expect(md).toContain('2026-03-01T10:00:00.000Z');
    expect(md).toContain('4 pass, 2 miss, 1 figures without a goal, 1 benchmark(s) failed to run.');
    // Detail figures: folded in the summary, listed in their section.
    expect(md).toContain('| memory | 3 detail figures (see the section) | - | - | - | < 300 ms | 2 pass, 1 miss |');
    expect(md).toContain('| Errors / Top groups (24 h) | 450 ms | 20 ms | count() | 22.500x | < 300 ms | miss |');
    expect(md).toContain('| throughput | 980 req/s | 1,000 req/s | without the layer | 0.980x | loss <= 2% | pass |');
    expect(md).toContain('Did not run: boom\nstack');
    expect(md).toContain('- route GET /projects');
    // Table rows keep their column count: the | in the title is escaped in cells.
    const summaryRows = md.split('\n').filter((l) => l.startsWith('| http |'));
    for (const row of summaryRows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(TABLE_HEADER.length);
    expect(md.endsWith('\n')).toBe(true);
  });
});

describe('machine info', () => {
  it('names the CPU, cores, memory, Node and the measured packages as installed', () => {
    const m = machineInfo();
    expect(m.cores).toBe(cpus().length);
    expect(m.cpuModel).toBe(cpus()[0]!.model.trim());
    expect(m.memoryGiB).toBeGreaterThan(0);
    expect(m.node).toBe(process.version);
    expect(Object.keys(m.packages)).toEqual([...MEASURED_PACKAGES]);
    const api = JSON.parse(readFileSync(`${ROOT}/node_modules/@opentelemetry/api/package.json`, 'utf8')) as { version: string };
    expect(m.packages['@opentelemetry/api']).toBe(api.version);
    expect(m.packages['@sentry/node']).toMatch(/^\d+\.\d+\.\d+/);
    expect(installedVersion(ROOT, 'no-such-package-tc9')).toBe('not installed');
    expect(m.loadAverage).toHaveLength(3);
  });
});

describe('collector config readers', () => {
  it('read the span_metrics buckets and the clickhouse exporter batch timeout from otel-collector-config.yaml', () => {
    const buckets = collectorBucketsMs(COLLECTOR_YAML);
    expect(buckets[0]).toBe(5);
    expect(buckets).toContain(1000);
    expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
    expect(collectorFlushTimeout(COLLECTOR_YAML)).toMatch(/^\d+(ms|s)$/);
  });
});

describe('panel SQL expansion', () => {
  const dashboards = dashboardQueries();
  const range = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z'), intervalMs: 60_000 };
  const sentry = 'https://sentry.example/organizations/acme/explore/traces/trace';

  it('finds every generated dashboard with its panels and variables', () => {
    expect(dashboards.map((d) => d.title).sort()).toEqual(['Errors', 'Migrations', 'Performance', 'User journeys']);
    for (const d of dashboards) expect(d.panels.length, d.title).toBeGreaterThan(3);
    expect(
      dashboards
        .find((d) => d.name === 'performance')!
        .variables.filter((v) => v.includeAll)
        .map((v) => v.name),
    ).toEqual(['service', 'environment', 'route']);
  });

  it.each([
    ['All', undefined],
    ['a selection', ['migration-service']],
  ] as const)('passes All, a selection and single values to the Grafana expansion as Grafana would (filters: %s)', (_label, selected) => {
    let compared = 0;
    for (const d of dashboards) {
      const ours: Record<string, VariableValue> = {};
      const theirs: Record<string, TemplateVariable> = {};
      for (const v of d.variables) {
        const options = ['migration-service', 'migration-worker'];
        if (v.type === 'textbox') {
          ours[v.name] = { value: sentry };
          theirs[v.name] = { current: sentry };
        } else if (v.includeAll) {
          ours[v.name] = selected ? { values: [...selected] } : { all: true, options };
          theirs[v.name] = selected ? { current: [...selected], options } : { current: [ALL], options };
        } else {
          ours[v.name] = { value: "onboarding-flow's" };
          theirs[v.name] = { current: "onboarding-flow's", options: ["onboarding-flow's"] };
        }
      }
      for (const p of d.panels) {
        const expanded = expandPanelSql(p.sql, ours, range);
        expect(expanded, `${d.title} / ${p.title}`).toBe(testsExpandPanelSql(p.sql, { ...range, variables: theirs }));
        expect(expanded).not.toMatch(/\$\{?\w/);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });
});

describe('generated telemetry on chDB', () => {
  let t: TestStore;
  const nowMs = Math.floor(Date.now() / 60_000) * 60_000;
  const options = { spans: 40_000, events: 20_000, nowMs };

  beforeAll(async () => {
    t = await createTestStore();
    await t.store.command(spansSql(options));
    await t.store.command(eventsSql(options));
    for (const sql of spanMetricsSql(options, collectorBucketsMs(COLLECTOR_YAML))) await t.store.command(sql);
    await t.store.command(runtimeGaugesSql(options));
  });
  afterAll(async () => t?.drop());

  const count = async (sql: string) => Number((await t.store.query<{ n: string }>(sql))[0]?.n);

  it('writes the requested rows over 7 days, and the views fill the analytics tables', async () => {
    expect(await count('SELECT count() AS n FROM otel_traces')).toBe(40_000);
    expect(await count('SELECT count() AS n FROM otel_logs')).toBe(20_000);
    const [span] = await t.store.query<{ first: string; last: string }>(
      'SELECT toUnixTimestamp(min(Timestamp)) AS first, toUnixTimestamp(max(Timestamp)) AS last FROM otel_traces',
    );
    expect(nowMs / 1000 - Number(span!.first)).toBeGreaterThan(6.9 * 86_400);
    expect(Number(span!.last)).toBeLessThanOrEqual(nowMs / 1000);
    // 40,000 spans are 10,000 groups; every 2000th a migration run.
    expect(await count('SELECT count() AS n FROM migration_runs')).toBe(5);
    expect(await count('SELECT count() AS n FROM migration_phases')).toBe(15);
    expect(await count('SELECT count() AS n FROM user_activities')).toBeGreaterThan(14_000);
    expect(await count('SELECT count() AS n FROM application_errors')).toBeGreaterThan(300);
    expect(await count("SELECT count() AS n FROM otel_traces WHERE SpanKind = 'Server' AND SpanAttributes['http.route'] != ''")).toBe(
      10_000 - 5,
    );
    expect(await count("SELECT uniqExact(SpanName) AS n FROM otel_traces WHERE SpanKind = 'Server'")).toBe(10);
    expect(await count("SELECT uniqExact(SpanAttributes['http.route']) AS n FROM otel_traces WHERE SpanKind = 'Server'")).toBe(8);
    expect(await count("SELECT countIf(outcome = 'failed') AS n FROM migration_runs")).toBe(1);
  });

  it('derives span metrics that add up to the server spans, histogram buckets to their counts', async () => {
    const serverSpans = await count("SELECT count() AS n FROM otel_traces WHERE SpanKind = 'Server'");
    expect(await count('SELECT sum(Value) AS n FROM otel_metrics_sum')).toBe(serverSpans);
    expect(await count('SELECT sum(Count) AS n FROM otel_metrics_histogram')).toBe(serverSpans);
    expect(await count('SELECT countIf(arraySum(BucketCounts) != Count) AS n FROM otel_metrics_histogram')).toBe(0);
    const errors = await count("SELECT count() AS n FROM otel_traces WHERE SpanKind = 'Server' AND StatusCode = 'Error'");
    expect(await count("SELECT sum(Value) AS n FROM otel_metrics_sum WHERE Attributes['status.code'] = 'STATUS_CODE_ERROR'")).toBe(errors);
    expect(await count('SELECT count() AS n FROM otel_metrics_gauge')).toBe(7 * 24 * 60 * 3 * 7);
  });

  it('gives every dashboard panel rows to show over the last 7 days', async () => {
    const range = { from: new Date(nowMs - 7 * 86_400_000), to: new Date(nowMs), intervalMs: 600_000 };
    const empty: string[] = [];
    for (const d of dashboardQueries()) {
      const values: Record<string, VariableValue> = {};
      for (const v of d.variables) {
        if (v.sql === undefined) {
          values[v.name] = { value: 'https://sentry.example/trace' };
          continue;
        }
        const options = (await t.store.query<Record<string, unknown>>(expandPanelSql(v.sql, values, range))).map((r) =>
          String(Object.values(r)[0]),
        );
        expect(options.length, `${d.title} $${v.name}`).toBeGreaterThan(0);
        values[v.name] = v.includeAll ? { all: true, options } : { value: options[0]! };
      }
      for (const p of d.panels) {
        const rows = await t.store.query(expandPanelSql(p.sql, values, range));
        if (rows.length === 0) empty.push(`${d.title} / ${p.title}`);
      }
    }
    // Running migrations: every generated run has its run span, so none is "running".
    expect(empty).toEqual(['Migrations / Running migrations']);
  });
});

describe('sinks and load', () => {
  it('the sink answers 200, counts requests and bytes, and counts spans only when asked', async () => {
    const sink = await startSink();
    try {
      const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ scope: { name: 'http' }, spans: [{}, {}] }] }] });
      expect((await fetch(`${sink.url}/v1/traces`, { method: 'POST', body })).status).toBe(200);
      expect(sink.spansByScope.size).toBe(0);
      sink.countSpans = true;
      expect((await fetch(`${sink.url}/v1/traces`, { method: 'POST', body })).status).toBe(200);
      expect((await fetch(`${sink.url}/api/1/envelope/`, { method: 'POST', body: 'x' })).status).toBe(200);
      expect(sink.total('/v1/traces')).toBe(2);
      expect(sink.total('/api/')).toBe(1);
      expect(sink.bytes).toBe(body.length * 2 + 1);
      expect([...sink.spansByScope]).toEqual([['http', 2]]);
    } finally {
      await sink.close();
    }
  });

  it('a closed port refuses connections', async () => {
    const port = await closedPort();
    await expect(fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('load() keeps one response time per 2xx response and counts the others', async () => {
    let n = 0;
    const server = createServer((_req, res) => res.writeHead(++n % 5 === 0 ? 503 : 200).end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const r = await load({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seconds: 1, connections: 2 });
      expect(r.requests).toBeGreaterThan(10);
      expect(r.latencies).toHaveLength(r.requests);
      expect(r.non2xx).toBeGreaterThan(0);
      expect(r.requests + r.non2xx).toBeGreaterThanOrEqual(n - 2);
      expect(r.latencies.every((l) => l > 0)).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('--only', () => {
  it('accepts known benchmark names and refuses others, naming the known ones', () => {
    expect(BENCHMARKS.map((b) => b.name)).toEqual(['migration', 'http', 'memory', 'errors', 'analytics', 'dashboards']);
    expect(parseOnly('http, errors')).toEqual(['http', 'errors']);
    expect(() => parseOnly('http,speed')).toThrow(/unknown benchmark speed; known: migration, http, memory, errors, analytics, dashboards/);
    expect(() => parseOnly(' , ')).toThrow(/none given/);
  });
});
