/**
 * ClickHouse through the real collector: the reference migration service (under `node --import register`)
 * exports OTLP to our collector build (collector/dist/tc9-otelcol) running our otel-collector-config.yaml, whose
 * real clickhouse exporter (contrib, clickhouse-go over http://, gzip) inserts into our DDL (clickhouse/*.sql)
 * through the ClickHouse front over chDB (tests/helpers/clickhouse-front.ts). Everything is asserted on rows:
 *   - otel_traces holds each request's server, Prisma and pg spans; otel_logs the analytics and error events;
 *     otel_metrics_* runtime metrics and the span_metrics connector's traces.span.metrics.*;
 *   - the materialized views (user_activities, application_errors, feature_usage, span_minutes, migration
 *     runs/phases, sessions) are filled from the exporter's rows;
 *   - the named queries (src/queries) give the same answers as the same workload in TC9_EXPORTER=store mode
 *     (the same service writing the tables itself, through @clickhouse/client to the same front, another
 *     database);
 *   - with the SDK's redaction off, a PII corpus is in no table in clear (the collector's redaction alone).
 * Every request the front refused fails the test with the front's error (e.g. a column our DDL lacks).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery, findQuery } from '../../src/queries/index.js';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { startClickHouseFront, type ClickHouseFront } from '../helpers/clickhouse-front.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { INDEX, REGISTER, REPO, startApp, type ChildApp } from '../sdk/child-app.js';

const SERVICE = 'migration-service';
const SERVER_SCRIPT = `${REPO}dist/examples/migration-service/server.js`;
const WRITER = { user: 'tc9_writer', password: 'writer-secret' };

/** The secrets themselves: none of these strings may be anywhere in ClickHouse. */
const EMAIL = 'jane.doe@example.com';
const BEARER = 's3cr3tT0kenValue12345';
const VISA = '4111 1111 1111 1111';
const MASTERCARD = '5500-0000-0000-0004';
const QUERY_TOKEN = 'qtok-SECRET-789';
const SECRETS = [EMAIL, 'jane.doe%40example.com', BEARER, VISA, '4111111111111111', MASTERCARD, QUERY_TOKEN];
const CORPUS = [
  `contact ${EMAIL}`,
  `Authorization: Bearer ${BEARER}`,
  `card ${VISA}`,
  `card ${MASTERCARD}`,
  `GET /reset?token=${QUERY_TOKEN}&lang=en`,
];

/** One side of the comparison: a database, the service writing into it, and its PostgreSQL. */
interface Side {
  name: 'collector' | 'store';
  test: TestStore;
  pg: Awaited<ReturnType<typeof createTestDatabase>>;
  service?: ChildApp;
  /** Requests the workload sent, by "METHOD route". */
  sent: Map<string, number>;
  runs: string[];
}

let front: ClickHouseFront;
let collector: RunningCollector;
let viaCollector: Side;
let viaStore: Side;
let startedAt: Date;

/** Answered with an error (status 0 is a request still in progress). */
const refused = () => front.requests.filter((r) => r.status !== 0 && r.status !== 200);
/** The front's refusals, verbatim: the first thing to read when this test fails. */
const refusedReport = () => JSON.stringify(refused().slice(0, 5), null, 1);

function serviceEnv(side: Side): Record<string, string> {
  const common = {
    DATABASE_URL: side.pg.url,
    PORT: '0',
    OTEL_SERVICE_NAME: SERVICE,
    TC9_SERVICE_VERSION: '1.2.3',
    TC9_ENVIRONMENT: 'test',
    TC9_CONSENT_DEFAULT: 'granted',
    // Both sides alike, so their answers can be compared; the collector side's redaction is the collector's.
    TC9_PRIVACY_REDACT: 'false',
    TC9_SHUTDOWN_TIMEOUT_MS: '20000',
    API_LATENCY_MS: '1',
  };
  if (side.name === 'collector') return { ...common, ...collector.env };
  return {
    ...common,
    TC9_EXPORTER: 'store',
    CLICKHOUSE_URL: front.url,
    CLICKHOUSE_DATABASE: side.test.database,
    CLICKHOUSE_USER: 'tc9_store',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
  };
}

async function call(side: Side, method: string, path: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${side.service!.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const key = `${method} ${route}`;
  side.sent.set(key, (side.sent.get(key) ?? 0) + 1);
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Runs end in the background; their state is read from PostgreSQL (a GET /runs/:id would add requests). */
async function waitForRuns(side: Side): Promise<void> {
  const client = new pg.Client({ connectionString: side.pg.url });
  await client.connect();
  try {
    for (const deadline = Date.now() + 60_000; ; ) {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM migration_runs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')",
      );
      if (Number(rows[0]!.n) === 0) return;
      if (Date.now() > deadline) throw new Error(`${side.name}: migration runs did not finish`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.end();
  }
}

/** The same journey on both sides: users sign in, connect organisations, create and run migrations, fail. */
async function workload(side: Side): Promise<void> {
  const users = ['user-a', 'user-b', 'user-c'];
  for (const [i, userId] of users.entries()) {
    const login = await call(side, 'POST', '/sessions', '/sessions', { userId });
    expect(login.status).toBe(201);
    const who = { 'x-user-id': userId, 'x-session-id': login.body.sessionId as string, 'x-org-id': `org-${i}` };
    const source = (await call(side, 'POST', '/organisations', '/organisations', { name: `Source ${i}`, type: 'production' }, who)).body;
    const target = (await call(side, 'POST', '/organisations', '/organisations', { name: `Target ${i}`, type: 'sandbox' }, who)).body;
    expect((await call(side, 'POST', `/organisations/${source.id}/connect`, '/organisations/:id/connect', {}, who)).status).toBe(200);
    if (i === 2) continue; // the third user drops off before creating a migration
    const project = (
      await call(
        side,
        'POST',
        '/projects',
        '/projects',
        { name: `Accounts ${i}`, sourceOrgId: source.id, targetOrgId: target.id, template: 'accounts' },
        who,
      )
    ).body;
    // Seeded runs: the same records fail on both sides. The second user's run breaks down in the load phase.
    const run = await call(
      side,
      'POST',
      `/projects/${project.id}/runs`,
      '/projects/:id/runs',
      { records: 40, batchSize: 10, failureRate: 0.1, seed: 7 + i, ...(i === 1 && { failAt: 'load' }) },
      who,
    );
    expect(run.status).toBe(202);
    side.runs.push(run.body.id as string);
    await waitForRuns(side);
    expect((await call(side, 'GET', `/runs/${run.body.id}/results`, '/runs/:id/results', undefined, who)).status).toBe(200);
    expect((await call(side, 'GET', '/debug/error', '/debug/error', undefined, who)).status).toBe(500);
    expect((await call(side, 'DELETE', '/sessions/current', '/sessions/current', undefined, who)).status).toBe(204);
  }
  expect((await call(side, 'GET', '/health', '/health')).status).toBe(200);
}

/** Stops the service with SIGTERM: the SDK flushes what it holds (spans, events, a last metric export). */
async function stopService(side: Side): Promise<void> {
  const child = side.service;
  if (!child) return;
  child.process.kill('SIGTERM');
  const { code } = await child.exited;
  side.service = undefined;
  if (code !== 0) throw new Error(`${side.name} service exited ${code}:\n${child.stderr().slice(-3000)}`);
}

async function rows<T = Record<string, unknown>>(side: Side, sql: string, params?: Record<string, unknown>): Promise<T[]> {
  return side.test.store.query<T>(sql, params);
}

/**
 * The clickhouse exporter's failed exports, as the collector logged them. clickhouse-go checks an insert's
 * columns against its DESCRIBE TABLE before sending anything, so a column our DDL lacks never reaches the
 * front: the exporter logs "column X is not present in the table" and retries for minutes.
 */
function exporterErrors(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"otelcol.component.id": "clickhouse"') && /"error":/.test(line))
    .map((line) => /"error": "((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line);
}

/** Polls until `done` holds for the side's rows, failing at once on a refused insert or a failed export. */
async function waitForRows(
  side: Side,
  what: string,
  done: () => Promise<boolean>,
  timeoutMs = 90_000,
  output = () => collector.output(),
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (refused().length > 0) throw new Error(`the ClickHouse front refused requests:\n${refusedReport()}`);
    const failed = exporterErrors(output());
    if (failed.length > 0) throw new Error(`the collector's clickhouse exporter failed:\n${[...new Set(failed)].slice(0, 3).join('\n')}`);
    if (await done()) return;
    if (Date.now() > deadline)
      throw new Error(`${side.name}: timed out waiting for ${what}\ncollector output:\n${collector.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const serverSpanCount = async (side: Side) =>
  Number(
    (
      await rows<{ n: number }>(side, "SELECT count() AS n FROM otel_traces WHERE ServiceName = {s:String} AND SpanKind = 'Server'", {
        s: SERVICE,
      })
    )[0]!.n,
  );
const totalSent = (side: Side) => [...side.sent.values()].reduce((a, b) => a + b, 0);

beforeAll(async () => {
  startedAt = new Date(Date.now() - 60_000);
  const [a, b, pgA, pgB] = await Promise.all([
    createTestStore(),
    createTestStore(),
    createTestDatabase('tc9_ch_collector'),
    createTestDatabase('tc9_ch_store'),
  ]);
  viaCollector = { name: 'collector', test: a, pg: pgA, sent: new Map(), runs: [] };
  viaStore = { name: 'store', test: b, pg: pgB, sent: new Map(), runs: [] };
  front = await startClickHouseFront({ store: a.store });
  collector = await startCollector({
    env: {
      CLICKHOUSE_ENDPOINT: front.url,
      CLICKHOUSE_DATABASE: a.database,
      CLICKHOUSE_WRITER_USER: WRITER.user,
      CLICKHOUSE_WRITER_PASSWORD: WRITER.password,
      // ClickHouse's own lz4 framing is the production default; the front takes HTTP gzip.
      CLICKHOUSE_COMPRESS: 'gzip',
    },
  });
  [viaCollector.service, viaStore.service] = await Promise.all([
    startApp(SERVER_SCRIPT, { env: serviceEnv(viaCollector) }),
    startApp(SERVER_SCRIPT, { env: serviceEnv(viaStore) }),
  ]);
  await Promise.all([workload(viaCollector), workload(viaStore)]);
  await Promise.all([stopService(viaCollector), stopService(viaStore)]);

  // The store side wrote synchronously before exiting; the collector side is done when every request's
  // server span is in otel_traces and the span_metrics connector (15 s flush) has counted them all.
  expect(await serverSpanCount(viaStore)).toBe(totalSent(viaStore));
  await waitForRows(viaCollector, 'every server span', async () => (await serverSpanCount(viaCollector)) >= totalSent(viaCollector));
  await waitForRows(viaCollector, 'span metrics of every server span', async () => {
    const [r] = await rows<{ n: number }>(
      viaCollector,
      "SELECT sum(Value) AS n FROM otel_metrics_sum WHERE MetricName = 'traces.span.metrics.calls' AND ServiceName = {s:String} AND Attributes['span.kind'] = 'SPAN_KIND_SERVER'",
      { s: SERVICE },
    );
    return Number(r!.n) >= totalSent(viaCollector);
  });
  const [events] = await rows<{ n: number }>(viaStore, "SELECT count() AS n FROM otel_logs WHERE EventName != ''");
  await waitForRows(viaCollector, 'every event', async () => {
    const [r] = await rows<{ n: number }>(viaCollector, "SELECT count() AS n FROM otel_logs WHERE EventName != ''");
    return Number(r!.n) >= Number(events!.n);
  });
  // Whatever the exporter still queues (its batches flush every 5 s) is sent at the collector's shutdown.
  await collector.close();
}, 240_000);

afterAll(async () => {
  await Promise.all([viaCollector, viaStore].map((s) => s && stopService(s).catch(() => undefined)));
  await collector?.close();
  await front?.close();
  await Promise.all([viaCollector, viaStore].flatMap((s) => (s ? [s.test.drop(), s.pg.drop()] : [])));
});

describe('the real clickhouse exporter into our DDL', () => {
  it('had every request accepted by the front: inserts with gzip, as the writer user, into our tables', () => {
    expect(refused(), refusedReport()).toEqual([]);
    // Shutdown flushes included: no export failed, client-side checks included.
    expect(exporterErrors(collector.output())).toEqual([]);
    const inserts = front.requests.filter((r) => r.query.startsWith('INSERT') && r.user === WRITER.user);
    // The logs exporter quotes identifiers with backticks, the others with double quotes.
    const tables = new Set(inserts.map((r) => /INSERT INTO ["`][^"`]+["`]\.["`]([^"`]+)["`]/.exec(r.query)?.[1]));
    expect([...tables].sort()).toEqual(['otel_logs', 'otel_metrics_gauge', 'otel_metrics_histogram', 'otel_metrics_sum', 'otel_traces']);
    for (const insert of inserts) expect(insert).toMatchObject({ status: 200, encoding: 'gzip' });
  });

  it("wrote each request's server span with its Prisma and pg spans in one trace", async () => {
    const routes = await rows<{ route: string; method: string; n: number; status: string[] }>(
      viaCollector,
      "SELECT SpanAttributes['http.route'] AS route, SpanAttributes['http.request.method'] AS method, count() AS n, groupUniqArray(StatusCode) AS status FROM otel_traces WHERE ServiceName = {s:String} AND SpanKind = 'Server' GROUP BY route, method",
      { s: SERVICE },
    );
    const got = Object.fromEntries(routes.map((r) => [`${r.method} ${r.route}`, r.n]));
    expect(got).toEqual(Object.fromEntries(viaCollector.sent));
    expect(routes.find((r) => r.route === '/debug/error')?.status).toEqual(['Error']);

    // A POST /organisations trace: server span -> prisma:client:operation -> pg query (INSERT).
    const [trace] = await rows<{ names: string[]; kinds: string[]; statements: string[] }>(
      viaCollector,
      `SELECT groupArray(SpanName) AS names, groupArray(SpanKind) AS kinds, groupArray(SpanAttributes['db.query.text']) AS statements
       FROM otel_traces WHERE TraceId IN (SELECT TraceId FROM otel_traces WHERE SpanKind = 'Server' AND SpanAttributes['http.route'] = '/organisations' LIMIT 1)`,
    );
    expect(trace!.names).toContain('prisma:client:operation');
    expect(trace!.kinds).toContain('Server');
    expect(trace!.statements.some((s) => /^INSERT INTO "public"\."organisations"/i.test(s))).toBe(true);
    // Nested columns arrive: the error's exception event on its server span or a child.
    const [exception] = await rows<{ n: number }>(
      viaCollector,
      "SELECT count() AS n FROM otel_traces WHERE has(Events.Name, 'exception') AND TraceId IN (SELECT TraceId FROM otel_traces WHERE SpanAttributes['http.route'] = '/debug/error')",
    );
    expect(Number(exception!.n)).toBeGreaterThan(0);
  });

  it('wrote the analytics events and the error events to otel_logs', async () => {
    const events = await rows<{ name: string; n: number }>(
      viaCollector,
      "SELECT EventName AS name, count() AS n FROM otel_logs WHERE ServiceName = {s:String} AND EventName != '' GROUP BY name ORDER BY name",
      { s: SERVICE },
    );
    const byName = Object.fromEntries(events.map((e) => [e.name, Number(e.n)]));
    expect(byName).toMatchObject({
      'user.login': 3,
      'session.start': 3,
      'organisation.connected': 3,
      'migration.created': 2,
      'migration.executed': 2,
      'feature.used': 2,
      'user.logout': 2,
      'session.end': 2,
    });
    expect(byName['tc9.error']).toBeGreaterThanOrEqual(2);
    const [error] = await rows<Record<string, string>>(
      viaCollector,
      "SELECT LogAttributes['exception.message'] AS message, LogAttributes['user.id'] AS user, TraceId AS trace FROM otel_logs WHERE EventName = 'tc9.error' AND LogAttributes['exception.message'] LIKE 'Intentional error%' LIMIT 1",
    );
    expect(error).toMatchObject({
      message: expect.stringContaining('Intentional error from GET /debug/error'),
      user: expect.stringMatching(/^user-/),
    });
    expect(error!.trace).toMatch(/^[0-9a-f]{32}$/);
  });

  it('wrote runtime metrics and the span_metrics connector output', async () => {
    const metrics = await rows<{ name: string; t: string }>(
      viaCollector,
      `SELECT DISTINCT MetricName AS name, 'gauge' AS t FROM otel_metrics_gauge UNION ALL SELECT DISTINCT MetricName, 'sum' FROM otel_metrics_sum
       UNION ALL SELECT DISTINCT MetricName, 'histogram' FROM otel_metrics_histogram`,
    );
    const names = metrics.map((m) => `${m.t}:${m.name}`);
    expect(names).toEqual(expect.arrayContaining(['sum:traces.span.metrics.calls', 'histogram:traces.span.metrics.duration']));
    expect(names.filter((n) => /:(nodejs|v8js)\./.test(n)).length, names.join(', ')).toBeGreaterThan(2);
    // RED per route from the connector: its calls equal the server spans of each route.
    const calls = await rows<{ route: string; n: number }>(
      viaCollector,
      "SELECT Attributes['http.route'] AS route, sum(Value) AS n FROM otel_metrics_sum WHERE MetricName = 'traces.span.metrics.calls' AND Attributes['span.kind'] = 'SPAN_KIND_SERVER' AND ServiceName = {s:String} GROUP BY route",
      { s: SERVICE },
    );
    const perRoute = new Map<string, number>();
    for (const [key, n] of viaCollector.sent) perRoute.set(key.split(' ')[1]!, (perRoute.get(key.split(' ')[1]!) ?? 0) + n);
    expect(Object.fromEntries(calls.map((c) => [c.route, Number(c.n)]))).toEqual(Object.fromEntries(perRoute));
  });

  it("filled the materialized views from the exporter's rows", async () => {
    const count = async (sql: string) => Number((await rows<{ n: number }>(viaCollector, sql))[0]!.n);
    expect(await count("SELECT count() AS n FROM user_activities WHERE action = 'user.login'")).toBe(3);
    expect(await count('SELECT count() AS n FROM user_activities')).toBe(
      await count("SELECT count() AS n FROM otel_logs WHERE LogAttributes['tc9.event.kind'] = 'analytics'"),
    );
    expect(await count("SELECT count() AS n FROM application_errors WHERE error_message LIKE 'Intentional error%'")).toBe(2);
    expect(await count('SELECT count() AS n FROM feature_usage')).toBe(2);
    expect(await count("SELECT sum(calls) AS n FROM span_minutes WHERE span_kind = 'Server' AND route = '/debug/error'")).toBe(2);
    expect(await count("SELECT sum(errors) AS n FROM span_minutes WHERE span_kind = 'Server' AND route = '/debug/error'")).toBe(2);
    expect(await count('SELECT count(DISTINCT run_id) AS n FROM migration_runs')).toBe(2);
    expect(await count('SELECT count() AS n FROM migration_phases')).toBeGreaterThan(0);
    expect(await count('SELECT count() AS n FROM sessions')).toBeGreaterThan(0);
  });
});

/** Named queries with the columns that depend only on the workload (no durations, rates of time). */
const COMPARED: Array<{ name: string; params?: Record<string, unknown>; columns: string[] }> = [
  { name: 'http_route_latency', params: { service: SERVICE }, columns: ['route', 'method', 'requests', 'errors', 'error_rate'] },
  {
    name: 'migration_throughput',
    columns: ['template', 'runs', 'succeeded', 'failed', 'success_rate', 'records_processed', 'records_failed'],
  },
  { name: 'migration_phase_breakdown', columns: ['phase', 'executions', 'failed', 'records_processed'] },
  {
    name: 'error_groups',
    params: { service: SERVICE },
    columns: ['fingerprint', 'error_type', 'message', 'category', 'occurrences', 'users_affected', 'releases'],
  },
  { name: 'errors_by_release', params: { service: SERVICE }, columns: ['release', 'errors', 'groups', 'users_affected'] },
  { name: 'active_users_summary', columns: ['dau', 'wau', 'mau'] },
  { name: 'session_stats', columns: ['sessions', 'avg_pages_per_session', 'avg_actions_per_session'] },
  { name: 'feature_adoption', columns: ['feature', 'users', 'uses', 'active_users', 'adoption_rate'] },
  {
    name: 'funnel',
    params: { steps: ['user.login', 'organisation.connected', 'migration.created', 'migration.executed'] },
    columns: ['step', 'event', 'users', 'conversion', 'drop_off'],
  },
  { name: 'top_paths', columns: ['from_step', 'to_step', 'transitions', 'sessions', 'share'] },
  { name: 'retention_cohorts', columns: ['cohort', 'period', 'cohort_users', 'retained_users'] },
];

describe('named queries: the collector path answers as TC9_EXPORTER=store does', () => {
  const range = () => ({ from: startedAt, to: new Date(Date.now() + 60_000) });
  const pick = (row: Record<string, unknown>, columns: string[]) => Object.fromEntries(columns.map((c) => [c, row[c]]));
  const sorted = (list: Array<Record<string, unknown>>) => list.map((r) => JSON.stringify(r)).sort();

  for (const { name, params, columns } of COMPARED) {
    it(name, async () => {
      const query = findQuery(name);
      const [viaOtlp, direct] = await Promise.all(
        [viaCollector, viaStore].map(async (side) =>
          (await runQuery(side.test.store, query, { ...range(), params })).map((r) => pick(r, columns)),
        ),
      );
      // Something to compare: empty on both sides would prove nothing.
      expect(direct!.length, `${name} returned no rows in store mode`).toBeGreaterThan(0);
      expect(sorted(viaOtlp!)).toEqual(sorted(direct!));
    });
  }

  it('http_route_latency_from_metrics (span_metrics rows, collector only) counts what the spans count', async () => {
    const fromSpans = await runQuery(viaCollector.test.store, findQuery('http_route_latency'), {
      ...range(),
      params: { service: SERVICE },
    });
    const fromMetrics = await runQuery(viaCollector.test.store, findQuery('http_route_latency_from_metrics'), {
      ...range(),
      params: { service: SERVICE },
    });
    const counts = (list: Array<Record<string, unknown>>) => sorted(list.map((r) => pick(r, ['route', 'method', 'requests', 'errors'])));
    expect(fromMetrics.length).toBeGreaterThan(0);
    expect(counts(fromMetrics)).toEqual(counts(fromSpans));
  });
});

describe('PII with the SDK redaction off: the collector alone keeps it out of ClickHouse', () => {
  let piiCollector: RunningCollector;
  let piiTraceIds: string[] = [];

  beforeAll(async () => {
    // A collector of its own into the same database (the first one is closed for the comparison above).
    piiCollector = await startCollector({
      env: {
        CLICKHOUSE_ENDPOINT: front.url,
        CLICKHOUSE_DATABASE: viaCollector.test.database,
        CLICKHOUSE_WRITER_USER: WRITER.user,
        CLICKHOUSE_WRITER_PASSWORD: WRITER.password,
        CLICKHOUSE_COMPRESS: 'gzip',
      },
    });
    // The corpus comes in through the environment: in the code (node -e) it would also be in the resource's
    // process.command_args, which is not where this test looks for leaks.
    const code = `
      import { trace, SpanStatusCode } from '@opentelemetry/api';
      import { shutdown, trackFeatureUsage, trackPageView, captureError } from ${JSON.stringify(INDEX)};
      const corpus = JSON.parse(process.env.PII_CORPUS);
      const tracer = trace.getTracer('pii-corpus');
      corpus.forEach((text, i) => {
        const span = tracer.startSpan('lookup ' + text, { attributes: { 'app.note': text, 'url.full': process.env.PII_URL, 'user.email': process.env.PII_EMAIL } });
        span.recordException(new Error('failed for ' + text));
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed for ' + text });
        trace.getTracer('pii-corpus').startActiveSpan('child', (child) => child.end());
        trackFeatureUsage('pii-lookup', { userId: 'pii-user', sessionId: 'pii-session', properties: { note: text } });
        trackPageView('/reset?token=' + process.env.PII_TOKEN, { userId: 'pii-user', sessionId: 'pii-session', properties: { note: text } });
        captureError(new Error('lookup failed for ' + text), { userId: 'pii-user' });
        span.end();
      });
      await shutdown();
    `;
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|SENTRY_|TC9_|NODE_OPTIONS$)/.test(k)));
    const child = spawn(process.execPath, ['--import', REGISTER, '--input-type=module', '-e', code], {
      cwd: REPO,
      env: {
        ...base,
        ...piiCollector.env,
        OTEL_SERVICE_NAME: 'pii-corpus-app',
        TC9_PRIVACY_REDACT: 'false',
        TC9_CONSENT_DEFAULT: 'granted',
        PII_CORPUS: JSON.stringify(CORPUS),
        PII_EMAIL: EMAIL,
        PII_TOKEN: QUERY_TOKEN,
        PII_URL: `https://api.example.com/reset?token=${QUERY_TOKEN}&email=${encodeURIComponent(EMAIL)}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (exit !== 0) throw new Error(`PII corpus app exited ${exit}:\n${stderr}`);
    // The reference service too, redaction off: secrets in the query string, the Authorization header and
    // the user id header of failing requests (errors: their exception events carry the URL as well).
    const pii: Side = { ...viaCollector, sent: new Map(), runs: [] };
    pii.service = await startApp(SERVER_SCRIPT, { env: { ...serviceEnv(pii), ...piiCollector.env } });
    const traceIds = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
    const queries = [`token=${QUERY_TOKEN}&email=${encodeURIComponent(EMAIL)}`, `card=${VISA.replaceAll(' ', '')}&lang=en`];
    for (const [i, query] of queries.entries()) {
      const traceparent = `00-${traceIds[i]}-${randomBytes(8).toString('hex')}-01`;
      const res = await call(pii, 'GET', `/debug/error?${query}`, '/debug/error', undefined, {
        traceparent,
        authorization: `Bearer ${BEARER}`,
        'x-user-id': EMAIL,
      });
      expect(res.status).toBe(500);
    }
    await stopService(pii);
    piiTraceIds = traceIds;
    await waitForRows(
      viaCollector,
      'the PII requests',
      async () => {
        const [r] = await rows<{ n: number }>(
          viaCollector,
          "SELECT count() AS n FROM otel_traces WHERE SpanKind = 'Server' AND TraceId IN {ids:Array(String)}",
          { ids: traceIds },
        );
        return Number(r!.n) === traceIds.length;
      },
      90_000,
      () => piiCollector.output(),
    );
    await waitForRows(
      viaCollector,
      'the PII corpus spans and events',
      async () => {
        const [r] = await rows<{ spans: number; events: number }>(
          viaCollector,
          "SELECT (SELECT count() FROM otel_traces WHERE ServiceName = 'pii-corpus-app' AND SpanName != 'child') AS spans, (SELECT count() FROM otel_logs WHERE ServiceName = 'pii-corpus-app') AS events",
        );
        return Number(r!.spans) >= CORPUS.length && Number(r!.events) >= 3 * CORPUS.length;
      },
      90_000,
      () => piiCollector.output(),
    );
    await piiCollector.close();
  }, 120_000);

  afterAll(async () => {
    await piiCollector?.close();
  });

  it('finds no e-mail, bearer token, card number or secret query value in any table', async () => {
    const db = viaCollector.test.database;
    const tables = await rows<{ name: string }>(
      viaCollector,
      "SELECT name FROM system.tables WHERE database = {db:String} AND engine NOT IN ('MaterializedView', 'View') ORDER BY name",
      { db },
    );
    expect(tables.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const { name } of tables) {
      const dump = JSON.stringify(await rows(viaCollector, `SELECT * FROM \`${name}\``));
      for (const secret of SECRETS)
        if (dump.includes(secret))
          leaks.push(`${name}: ${secret} ... ${dump.slice(Math.max(0, dump.indexOf(secret) - 120), dump.indexOf(secret) + 60)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('kept the corpus rows, masked rather than dropped', async () => {
    const spans = await rows<{ name: string; message: string; note: string }>(
      viaCollector,
      "SELECT SpanName AS name, StatusMessage AS message, SpanAttributes['app.note'] AS note FROM otel_traces WHERE ServiceName = 'pii-corpus-app' AND SpanName LIKE 'lookup %'",
    );
    expect(spans).toHaveLength(CORPUS.length);
    for (const s of spans) expect(s.message).toMatch(/^failed for /);
    const events = await rows<{ name: string; n: number }>(
      viaCollector,
      "SELECT EventName AS name, count() AS n FROM otel_logs WHERE ServiceName = 'pii-corpus-app' GROUP BY name ORDER BY name",
    );
    expect(Object.fromEntries(events.map((e) => [e.name, Number(e.n)]))).toMatchObject({
      'feature.used': CORPUS.length,
      'page.view': CORPUS.length,
    });
    // The service's requests: the query string's values masked in place, the user id header's e-mail masked.
    const requests = await rows<{ query: string; user: string }>(
      viaCollector,
      "SELECT SpanAttributes['url.query'] AS query, SpanAttributes['user.id'] AS user FROM otel_traces WHERE SpanKind = 'Server' AND TraceId IN {ids:Array(String)} ORDER BY query DESC",
      { ids: piiTraceIds },
    );
    expect(requests.map((r) => r.query)).toEqual([
      expect.stringMatching(/^token=\[REDACTED\]&email=/),
      expect.stringMatching(/^card=.*&lang=en$/),
    ]);
    for (const r of requests) expect(r.user === '' || !r.user.includes('@')).toBe(true);
    expect(refused(), refusedReport()).toEqual([]);
    expect(exporterErrors(piiCollector.output())).toEqual([]);
  });
});
