/**
 * The Performance panels read span statistics (clickhouse/023-024, src/dashboards/sql/span-stats.ts) instead
 * of the spans. On the seeded scenario, over a range whose bounds fall mid-minute: counts, error rates, sums,
 * maxima and the slowest call's trace are exactly what the spans of the range widened to whole minutes give,
 * and each merged
 * t-digest percentile lies between quantileExact of the same spans at its level minus and plus RANK_TOLERANCE
 * (p95 between the exact p93 and p97). A rank band rather than a relative one: where spans are sparse around
 * the level (a five-minute bucket holds ~250 server spans of five routes), neighbouring durations differ by
 * 10% and more, and any estimate, quantile()'s sample included, moves by that much.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERFORMANCE_SQL } from '../../src/dashboards/sql/performance.js';
import { VARIABLE_SQL } from '../../src/dashboards/sql/variables.js';
import type { TestStore } from '../helpers/chdb.js';
import { ALL, expandPanelSql, type TemplateVariable } from '../helpers/grafana.js';
import { seededStore } from './scenario/seed.js';

/** How far (in quantile level) a merged t-digest percentile may be from the exact one. */
const RANK_TOLERANCE = 0.02;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Half past an hour, so the range below always holds a whole clock hour between the hours of its bounds.
const NOW = Math.floor(Date.now() / HOUR) * HOUR - 30 * MINUTE;
// Bounds mid-minute and mid-hour, under two hours apart (the scenario's span): whole hours and edge minutes.
const FROM = new Date(NOW - 119 * MINUTE + 17_000);
const TO = new Date(NOW - MINUTE - 23_000);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
// The panels widen the range to whole minutes: from the minute holding FROM to the end of the one holding TO.
const RAW_RANGE = `Timestamp >= toStartOfMinute(toDateTime(${seconds(FROM)})) AND Timestamp < toStartOfMinute(toDateTime(${seconds(TO)})) + INTERVAL 1 MINUTE`;
const PRISMA_OPERATION =
  "if(SpanAttributes['name'] != '', SpanAttributes['name'], concat(SpanAttributes['model'], '.', SpanAttributes['method']))";

type Row = Record<string, unknown>;

/** quantileExact at level -/+ RANK_TOLERANCE, as an array column `name` (durations divided by `unit`). */
const band = (level: number, name: string, unit = 1e6) =>
  `quantilesExact(${Math.max(level - RANK_TOLERANCE, 0).toFixed(2)}, ${Math.min(level + RANK_TOLERANCE, 1).toFixed(2)})(Duration) / ${unit} AS ${name}`;

/** The t-digest keeps Float32 centroids: a duration read back may differ in the 7th digit. */
function expectWithin(approx: unknown, range: unknown, what: string) {
  const [low, high] = (range as number[]).map(Number) as [number, number];
  expect(Number(approx), `${what}: ${approx} in [${low}, ${high}]`).toBeGreaterThanOrEqual(low * (1 - 1e-6));
  expect(Number(approx), `${what}: ${approx} in [${low}, ${high}]`).toBeLessThanOrEqual(high * (1 + 1e-6));
}

describe('span statistics behind the Performance panels', () => {
  let t: TestStore;
  let all: Record<string, TemplateVariable>;
  const run = (
    sql: string,
    variables = all,
    range: { from: Date; to: Date; intervalMs: number } = { from: FROM, to: TO, intervalMs: MINUTE },
  ) => t.store.query<Row>(expandPanelSql(sql, { ...range, variables }));

  beforeAll(async () => {
    t = await seededStore({ now: NOW });
    const options = async (sql: string) => (await t.store.query<Row>(sql)).map((r) => String(Object.values(r)[0]));
    all = {
      service: { current: [ALL], options: await options('SELECT DISTINCT ServiceName FROM otel_traces') },
      environment: {
        current: [ALL],
        options: await options("SELECT DISTINCT ResourceAttributes['deployment.environment.name'] FROM otel_traces"),
      },
      route: {
        current: [ALL],
        options: await options("SELECT DISTINCT SpanAttributes['http.route'] FROM otel_traces WHERE SpanAttributes['http.route'] != ''"),
      },
    };
  });
  afterAll(async () => t?.drop());

  it('merges hour rows and the minutes of the edge hours (the range needs both)', async () => {
    const [from, to] = [FROM, TO].map((d) => `toDateTime(${seconds(d)})`);
    const count = async (sql: string) => Number((await t.store.query<{ n: string }>(sql))[0]?.n);
    expect(
      await count(`SELECT count() AS n FROM span_hours WHERE start > toStartOfHour(${from}) AND start < toStartOfHour(${to})`),
    ).toBeGreaterThan(0);
    expect(
      await count(`SELECT count() AS n FROM span_minutes WHERE toStartOfHour(start) IN (toStartOfHour(${from}), toStartOfHour(${to}))`),
    ).toBeGreaterThan(0);
  });

  it('Routes table: requests and error rates exact, percentiles within the rank tolerance', async () => {
    const panel = await run(PERFORMANCE_SQL.routeLatencyTable);
    const raw = await t.store.query<Row>(`SELECT SpanAttributes['http.route'] AS Route, SpanAttributes['http.request.method'] AS Method,
        count() AS Requests, countIf(StatusCode = 'Error') / count() AS ErrorRate,
        ${band(0.5, 'p50_ms')}, ${band(0.95, 'p95_ms')}, ${band(0.99, 'p99_ms')}
      FROM otel_traces WHERE ${RAW_RANGE} AND SpanKind = 'Server' AND SpanAttributes['http.route'] != ''
      GROUP BY Route, Method ORDER BY Route, Method`);
    expect(raw.length).toBeGreaterThan(3);
    const byRoute = new Map(panel.map((r) => [`${r.Method} ${r.Route}`, r]));
    expect([...byRoute.keys()].sort()).toEqual(raw.map((r) => `${r.Method} ${r.Route}`).sort());
    expect(raw.some((r) => Number(r.ErrorRate) > 0)).toBe(true);
    for (const exact of raw) {
      const got = byRoute.get(`${exact.Method} ${exact.Route}`) as Row;
      expect(Number(got.Requests)).toBe(Number(exact.Requests));
      expect(Number(got.ErrorRate)).toBeCloseTo(Number(exact.ErrorRate), 12);
      for (const p of ['p50_ms', 'p95_ms', 'p99_ms']) expectWithin(got[p], exact[p], `${exact.Route} ${p}`);
    }
  });

  it('stats: request rate and error rate exact, p95 within the rank tolerance', async () => {
    const [rate] = await run(PERFORMANCE_SQL.requestRateStat);
    const [errors] = await run(PERFORMANCE_SQL.errorRateStat);
    const [p95] = await run(PERFORMANCE_SQL.p95Stat);
    const [raw] =
      await t.store.query<Row>(`SELECT count() / ${seconds(TO) - seconds(FROM)} AS rate, countIf(StatusCode = 'Error') / count() AS errors,
        ${band(0.95, 'p95', 1e9)} FROM otel_traces WHERE ${RAW_RANGE} AND SpanKind = 'Server'`);
    expect(Number(rate?.requests_per_second)).toBeCloseTo(Number(raw?.rate), 9);
    expect(Number(errors?.error_rate)).toBeCloseTo(Number(raw?.errors), 12);
    expectWithin(p95?.p95_seconds, raw?.p95, 'p95');
  });

  it('Slowest operations: calls and max exact, the trace id is the slowest call, p95 within the rank tolerance', async () => {
    const panel = await run(PERFORMANCE_SQL.slowestOperations);
    const raw = await t.store.query<Row>(`SELECT ServiceName AS Service, SpanName AS Operation, SpanKind AS Kind, count() AS Calls,
        ${band(0.95, 'p95_ms')}, max(Duration) / 1e6 AS max_ms
      FROM otel_traces WHERE ${RAW_RANGE} GROUP BY Service, Operation, Kind`);
    const exact = new Map(raw.map((r) => [`${r.Service}|${r.Operation}|${r.Kind}`, r]));
    expect(panel.length).toBe(Math.min(20, raw.length));
    for (const got of panel) {
      const want = exact.get(`${got.Service}|${got.Operation}|${got.Kind}`) as Row;
      expect(want, String(got.Operation)).toBeDefined();
      expect(Number(got.Calls)).toBe(Number(want.Calls));
      expect(Number(got.max_ms)).toBeCloseTo(Number(want.max_ms), 9);
      expectWithin(got.p95_ms, want.p95_ms, String(got.Operation));
      // The trace id opens a trace holding this operation's longest span of the range.
      const [slowest] = await t.store.query<Row>(
        `SELECT max(Duration) / 1e6 AS ms FROM otel_traces WHERE ${RAW_RANGE} AND TraceId = {trace:String} AND ServiceName = {service:String} AND SpanName = {name:String} AND SpanKind = {kind:String}`,
        { trace: String(got.TraceId), service: String(got.Service), name: String(got.Operation), kind: String(got.Kind) },
      );
      expect(Number(slowest?.ms), String(got.Operation)).toBeCloseTo(Number(want.max_ms), 9);
    }
  });

  it('Prisma operations: calls, total time and errors exact, p95 within the rank tolerance', async () => {
    const panel = await run(PERFORMANCE_SQL.prismaOperations);
    const raw = await t.store.query<Row>(`SELECT ${PRISMA_OPERATION} AS Operation, count() AS Calls, sum(Duration) / 1e9 AS TotalSeconds,
        ${band(0.95, 'p95_ms')}, countIf(StatusCode = 'Error') AS Errors
      FROM otel_traces WHERE ${RAW_RANGE} AND SpanName = 'prisma:client:operation' GROUP BY Operation ORDER BY Operation`);
    expect(raw.length).toBeGreaterThan(1);
    expect(panel.map((r) => r.Operation).sort()).toEqual(raw.map((r) => r.Operation));
    for (const want of raw) {
      const got = panel.find((r) => r.Operation === want.Operation) as Row;
      expect(Number(got.Calls)).toBe(Number(want.Calls));
      expect(Number(got.TotalSeconds)).toBeCloseTo(Number(want.TotalSeconds), 9);
      expect(Number(got.Errors)).toBe(Number(want.Errors));
      expectWithin(got.p95_ms, want.p95_ms, String(want.Operation));
    }
  });

  // Range on whole hours (data ends before NOW), so each interval's buckets lie wholly inside it.
  const hourAligned = { from: new Date(Math.ceil((NOW - 120 * MINUTE) / HOUR) * HOUR), to: new Date(NOW) };
  it.each([
    ['minutes', MINUTE],
    ['five minutes', 5 * MINUTE],
    ['ten minutes', 10 * MINUTE],
    ['hours (from span_hours)', 60 * MINUTE],
  ])('time series per %s: calls per route and errors per service exact, p95 within the rank tolerance', async (_label, intervalMs) => {
    const range = { ...hourAligned, intervalMs };
    const bucket = (column: string) => `toStartOfInterval(${column}, INTERVAL ${intervalMs / 1000} second)`;
    const where = `Timestamp >= toDateTime(${seconds(range.from)}) AND Timestamp <= toDateTime(${seconds(range.to)}) AND SpanKind = 'Server'`;
    const rates = await run(PERFORMANCE_SQL.requestRate, all, range);
    const rawRates =
      await t.store.query<Row>(`SELECT ${bucket('Timestamp')} AS time, if(SpanAttributes['http.route'] = '', '(no route)', SpanAttributes['http.route']) AS route,
        count() / ${intervalMs / 1000} AS requests_per_second FROM otel_traces WHERE ${where} GROUP BY time, route ORDER BY time, route`);
    expect(rawRates.length).toBeGreaterThan(0);
    expect(rates.map((r) => [r.time, r.route, Number(r.requests_per_second)])).toEqual(
      rawRates.map((r) => [r.time, r.route, Number(r.requests_per_second)]),
    );

    const errors = await run(PERFORMANCE_SQL.errorRate, all, range);
    const rawErrors =
      await t.store.query<Row>(`SELECT ${bucket('Timestamp')} AS time, ServiceName AS service, countIf(StatusCode = 'Error') / count() AS error_rate
      FROM otel_traces WHERE ${where} GROUP BY time, service ORDER BY time, service`);
    expect(errors.map((r) => [r.time, r.service])).toEqual(rawErrors.map((r) => [r.time, r.service]));
    errors.forEach((r, i) => {
      expect(Number(r.error_rate)).toBeCloseTo(Number(rawErrors[i]?.error_rate), 12);
    });

    const latency = await run(PERFORMANCE_SQL.latencyPercentiles, all, range);
    const rawLatency = await t.store.query<Row>(`SELECT ${bucket('Timestamp')} AS time, ${band(0.95, 'p95', 1e9)}
      FROM otel_traces WHERE ${where} GROUP BY time ORDER BY time`);
    expect(latency.map((r) => r.time)).toEqual(rawLatency.map((r) => r.time));
    latency.forEach((r, i) => {
      expectWithin(r.p95, rawLatency[i]?.p95, `p95 at ${r.time}`);
    });
  });

  it('applies the service, environment and route variables', async () => {
    const variables = {
      service: { current: ['migration-service'] },
      environment: { current: ['test'] },
      route: { current: ['/projects'] },
    };
    const panel = await run(PERFORMANCE_SQL.routeLatencyTable, variables);
    expect(panel.map((r) => r.Route)).toEqual(['/projects']);
    const [raw] = await t.store.query<Row>(`SELECT count() AS n FROM otel_traces WHERE ${RAW_RANGE} AND SpanKind = 'Server'
        AND ServiceName = 'migration-service' AND SpanAttributes['http.route'] = '/projects'`);
    expect(Number(panel[0]?.Requests)).toBe(Number(raw?.n));
    const none = await run(PERFORMANCE_SQL.routeLatencyTable, { ...variables, environment: { current: ['production'] } });
    expect(none).toEqual([]);
    const routes = await run(VARIABLE_SQL.routes, { service: { current: ['migration-service'] } });
    expect(routes.map((r) => r.route)).toEqual([...(all.route?.options ?? [])].sort());
  });

  it('finds the same hour and day rows whatever the session time zone (they are UTC buckets)', async () => {
    const utc = await run(PERFORMANCE_SQL.routeLatencyTable);
    await t.store.command("SET session_timezone = 'Asia/Kolkata'");
    try {
      const kolkata = await run(PERFORMANCE_SQL.routeLatencyTable);
      expect(kolkata.map((r) => [r.Route, r.Method, r.Requests])).toEqual(utc.map((r) => [r.Route, r.Method, r.Requests]));
    } finally {
      await t.store.command("SET session_timezone = 'UTC'");
    }
  });
});
