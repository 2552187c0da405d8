/**
 * The reference service wired to tc9-observability's domain API, in-process against real PostgreSQL, with
 * the real OpenTelemetry SDK providers exporting to memory: each run is a migration.run span with extract /
 * transform / load phase spans, the record and API call metrics match what the run stored, a broken run is
 * a classified error, the journey routes emit their analytics events for the caller's user and session,
 * request errors are classified, and the run sweeper is a monitored job.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../examples/migration-service/app.js';
import { SWEEPER_SLUG } from '../../examples/migration-service/run/sweeper.js';
import { installInMemoryOtel, sumWhere, type InMemoryOtel } from '../helpers/in-memory-otel.js';
import { createTestDatabase } from '../helpers/postgres.js';

// Response bodies are checked field by field; a loose type keeps the assertions readable.
// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely, path by path, and the assertions check the values
type Json = Record<string, any>;
const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

let otel: InMemoryOtel;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let service: RunningServer;
const USER = { 'x-user-id': 'user-42', 'x-session-id': 'session-abc', 'x-org-id': 'org-7' };

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = USER,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

async function waitForRun(id: string): Promise<Json> {
  for (;;) {
    const { body } = await call('GET', `/runs/${id}`);
    if (FINAL.has(body.status)) return body;
    await sleep(20);
  }
}

/** Spans end on their own schedule; wait until the run span of `runId` has been exported. */
async function runSpan(runId: string): Promise<ReadableSpan> {
  for (let i = 0; i < 500; i++) {
    const span = otel.spans().find((s) => s.name === 'migration.run' && s.attributes['tc9.migration.run_id'] === runId);
    if (span) return span;
    await sleep(10);
  }
  throw new Error(`no migration.run span for run ${runId}`);
}

const events = (name: string): ReadableLogRecord[] => otel.logs().filter((l) => l.eventName === name);

let source: Json;
let target: Json;
let project: Json;

beforeAll(async () => {
  otel = installInMemoryOtel();
  db = await createTestDatabase('tc9_msotel');
  service = await startServer({
    databaseUrl: db.url,
    port: 0,
    apiLatency: { baseMs: 1, perRecordMs: 0 },
    runTelemetry: { progressIntervalMs: 0 },
    sweeper: { intervalMs: 60_000, staleAfterMs: 60_000 },
    onError: () => undefined,
  });
  source = (await call('POST', '/organisations', { name: 'Acme Production', type: 'production' })).body;
  target = (await call('POST', '/organisations', { name: 'Acme UAT', type: 'sandbox' })).body;
  project = (await call('POST', '/projects', { name: 'Accounts', sourceOrgId: source.id, targetOrgId: target.id, template: 'accounts' }))
    .body;
});

afterAll(async () => {
  await service?.close();
  await db?.drop();
  await otel?.uninstall();
});

describe('migration runs', () => {
  it('makes a run a migration.run span with extract, transform and load child spans and record metrics', async () => {
    const { body: started } = await call('POST', `/projects/${project.id}/runs`, {
      records: 1000,
      failureRate: 0.05,
      batchSize: 200,
      seed: 42,
    });
    const run = await waitForRun(started.id);
    expect(run.status).toBe('succeeded');

    const span = await runSpan(started.id);
    expect(span.attributes).toMatchObject({
      'tc9.migration.id': project.id,
      'tc9.migration.template': 'accounts',
      'tc9.migration.source_org': source.id,
      'tc9.migration.target_org': target.id,
      'tc9.migration.records.total': 1000,
      'tc9.migration.outcome': 'succeeded',
      'tc9.migration.records.processed': 950,
      'tc9.migration.records.failed': 50,
      'tc9.migration.progress': 1,
      'user.id': 'user-42',
    });
    expect(span.status.code).toBe(SpanStatusCode.OK);

    const trace = otel.spans().filter((s) => s.spanContext().traceId === span.spanContext().traceId);
    const phases = trace.filter((s) => s.name.startsWith('migration.phase '));
    expect(phases.map((p) => p.name)).toEqual(['migration.phase extract', 'migration.phase transform', 'migration.phase load']);
    for (const phase of phases) expect(phase.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    const byName = Object.fromEntries(phases.map((p) => [p.attributes['tc9.migration.phase'], p.attributes]));
    expect(byName.transform).toMatchObject({
      'tc9.migration.records.processed': 975,
      'tc9.migration.records.failed': 25,
      'tc9.migration.failure_reason': 'REQUIRED_FIELD_MISSING',
    });
    expect(byName.load).toMatchObject({
      'tc9.migration.records.processed': 950,
      'tc9.migration.records.failed': 25,
      'tc9.migration.failure_reason': 'INACTIVE_OWNER_OR_USER',
    });

    // Five query calls under extract, five upserts under load, as client spans.
    const calls = trace.filter((s) => s.name === 'migration.api_call');
    const phaseOf = (c: ReadableSpan) =>
      phases.find((p) => p.spanContext().spanId === c.parentSpanContext?.spanId)?.attributes['tc9.migration.phase'];
    expect(calls.map((c) => `${phaseOf(c)}:${c.attributes['tc9.api.system']}:${c.attributes['tc9.api.operation']}`).sort()).toEqual([
      ...Array(5).fill('extract:salesforce:query'),
      ...Array(5).fill('load:salesforce:upsert'),
    ]);

    const records = await otel.metric('tc9.migration.records');
    const run42 = (phase: string, outcome: string) =>
      sumWhere(records, { 'tc9.migration.phase': phase, 'tc9.migration.outcome': outcome, 'tc9.migration.template': 'accounts' });
    // This test's run is the first of the file: the cumulative sums are its own.
    expect([
      run42('extract', 'processed'),
      run42('transform', 'processed'),
      run42('transform', 'failed'),
      run42('load', 'processed'),
      run42('load', 'failed'),
    ]).toEqual([1000, 975, 25, 950, 25]);
    const apiCalls = await otel.metric('tc9.migration.api_calls');
    expect(sumWhere(apiCalls, { 'tc9.migration.outcome': 'succeeded' })).toBe(10);
    const runs = await otel.metric('tc9.migration.runs');
    expect(sumWhere(runs, { 'tc9.migration.outcome': 'succeeded', 'tc9.migration.template': 'accounts' })).toBe(1);
  });

  it('fails the run span of a broken run and reports the cause as an external_service error in its trace', async () => {
    const { body: started } = await call('POST', `/projects/${project.id}/runs`, {
      records: 1000,
      failureRate: 0,
      batchSize: 200,
      failAt: 'load',
    });
    expect((await waitForRun(started.id)).status).toBe('failed');
    const span = await runSpan(started.id);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['tc9.migration.outcome']).toBe('failed');
    expect(String(span.attributes['tc9.migration.failure_reason'])).toMatch(/SERVER_UNAVAILABLE/);

    const load = otel.spans().find((s) => s.name === 'migration.phase load' && s.spanContext().traceId === span.spanContext().traceId);
    expect(load?.status.code).toBe(SpanStatusCode.ERROR);
    const failedCall = otel
      .spans()
      .find(
        (s) =>
          s.name === 'migration.api_call' &&
          s.spanContext().traceId === span.spanContext().traceId &&
          s.status.code === SpanStatusCode.ERROR,
      );
    expect(failedCall).toBeDefined();

    const error = events('tc9.error').find((l) => l.spanContext?.traceId === span.spanContext().traceId);
    expect(error?.attributes).toMatchObject({ 'tc9.error.category': 'external_service', 'exception.type': 'SalesforceApiError' });
    expect(error?.attributes['user.id']).toBe('user-42');
  });

  it('ends the run span cancelled when the service closes during a run', async () => {
    // Its own server on the same database, so closing it leaves the shared one running.
    const other = await startServer({
      databaseUrl: db.url,
      port: 0,
      apiLatency: { baseMs: 30, perRecordMs: 0 },
      sweeper: false,
      onError: () => undefined,
    });
    try {
      const res = await fetch(`${other.url}/projects/${project.id}/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: 50_000, batchSize: 100 }),
      });
      const run = (await res.json()) as Json;
      while ((await call('GET', `/runs/${run.id}`)).body.status !== 'running') await sleep(10);
      await other.close();
      const span = await runSpan(run.id);
      expect(span.attributes['tc9.migration.outcome']).toBe('cancelled');
    } finally {
      await other.close();
    }
  });
});

describe('journey events', () => {
  it('signs in and out with login, session start, logout and session end events for the new session', async () => {
    const { status, body } = await call('POST', '/sessions', { userId: 'user-9', method: 'sso' }, {});
    expect(status).toBe(201);
    expect(body).toMatchObject({ userId: 'user-9' });
    const login = events('user.login').find((l) => l.attributes['session.id'] === body.sessionId);
    expect(login?.attributes).toMatchObject({ 'user.id': 'user-9', 'tc9.prop.method': 'sso', 'tc9.event.kind': 'analytics' });
    expect(events('session.start').some((l) => l.attributes['session.id'] === body.sessionId)).toBe(true);

    expect((await call('DELETE', '/sessions/current', undefined, { 'x-user-id': 'user-9', 'x-session-id': body.sessionId })).status).toBe(
      204,
    );
    expect(events('user.logout').find((l) => l.attributes['session.id'] === body.sessionId)?.attributes['user.id']).toBe('user-9');
    const end = events('session.end').find((l) => l.attributes['session.id'] === body.sessionId);
    expect(Number(end?.attributes['tc9.duration_ms'])).toBeGreaterThanOrEqual(0);

    // Signing out again: the session is gone; without a session header there is nothing to sign out of.
    expect((await call('DELETE', '/sessions/current', undefined, { 'x-session-id': body.sessionId })).status).toBe(404);
    expect((await call('DELETE', '/sessions/current', undefined, {})).status).toBe(401);
    expect((await call('POST', '/sessions', {}, {})).status).toBe(400);
  });

  it('emits organisation.connected, migration.created, migration.executed and feature.used with the caller identity', async () => {
    const connected = await call('POST', `/organisations/${target.id}/connect`);
    expect(connected).toMatchObject({ status: 200, body: { connected: true, organisation: { id: target.id } } });
    const org = events('organisation.connected').find((l) => l.attributes['tc9.prop.resource_id'] === target.id);
    expect(org?.attributes).toMatchObject({
      'tc9.org.id': target.id,
      'tc9.org.type': 'sandbox',
      'user.id': 'user-42',
      'session.id': 'session-abc',
    });
    expect((await call('POST', `/organisations/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}/connect`)).status).toBe(404);

    const created = (
      await call('POST', '/projects', { name: 'Contacts', sourceOrgId: source.id, targetOrgId: target.id, template: 'contacts' })
    ).body;
    const createdEvent = events('migration.created').find((l) => l.attributes['tc9.prop.resource_id'] === created.id);
    expect(createdEvent?.attributes).toMatchObject({
      'tc9.prop.template': 'contacts',
      'user.id': 'user-42',
      'session.id': 'session-abc',
      'tc9.org.id': 'org-7',
    });

    const { body: run } = await call('POST', `/projects/${created.id}/runs`, { records: 100, batchSize: 50 });
    const executed = events('migration.executed').find((l) => l.attributes['tc9.prop.run_id'] === run.id);
    expect(executed?.attributes).toMatchObject({ 'tc9.prop.resource_id': created.id, 'session.id': 'session-abc' });
    await waitForRun(run.id);

    expect((await call('GET', `/runs/${run.id}/results`)).status).toBe(200);
    const used = events('feature.used').find((l) => l.attributes['tc9.prop.run_status'] === 'succeeded');
    expect(used?.attributes).toMatchObject({ 'tc9.feature.name': 'run_results', 'session.id': 'session-abc' });
  });
});

describe('request errors', () => {
  it('classifies every error a request ends with: a 500 as server, a 400 as validation, a 404 as client', async () => {
    expect((await call('GET', '/debug/error')).status).toBe(500);
    expect((await call('POST', '/organisations', { type: 'sandbox' })).status).toBe(400);
    expect((await call('GET', '/no/such/route')).status).toBe(404);
    const errors = events('tc9.error');
    const byAction = (action: string) => errors.find((l) => l.attributes['tc9.prop.action'] === action)?.attributes;
    expect(byAction('GET /debug/error')).toMatchObject({
      'tc9.error.category': 'server',
      'tc9.error.severity': 'error',
      'user.id': 'user-42',
      'url.path': '/debug/error',
    });
    expect(byAction('POST /organisations')).toMatchObject({ 'tc9.error.category': 'validation', 'tc9.error.severity': 'warning' });
    expect(byAction('GET /no/such/route')).toMatchObject({ 'tc9.error.category': 'client' });
    const counted = await otel.metric('tc9.errors');
    expect(sumWhere(counted, { 'tc9.error.category': 'server' })).toBeGreaterThanOrEqual(1);
  });

  it('answers a slow request after the time asked for, and refuses an absurd one', async () => {
    expect(await call('GET', '/debug/slow?ms=30')).toMatchObject({ status: 200, body: { sleptMs: 30 } });
    expect((await call('GET', '/debug/slow?ms=999999')).status).toBe(400);
  });
});

describe('run sweeper', () => {
  it('marks abandoned runs failed in a monitored job', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO migration_runs (project_id, status, records_total, batch_size, failure_rate, seed, created_at)
         VALUES ($1, 'running', 10, 5, 0, 1, now() - interval '2 hours') RETURNING id`,
        [project.id],
      );
      const swept = await service.sweeper!.sweep();
      expect(swept).toBe(1);
      const after = await client.query('SELECT status::text, error FROM migration_runs WHERE id = $1', [rows[0]!.id]);
      expect(after.rows[0]).toMatchObject({ status: 'failed', error: 'abandoned: no process was executing it' });
    } finally {
      await client.end();
    }
    const monitorSpan = otel.spans().find((s) => s.name === 'monitor.run' && s.attributes['tc9.monitor.slug'] === SWEEPER_SLUG);
    expect(monitorSpan?.attributes['tc9.monitor.status']).toBe('ok');
    const monitorRuns = await otel.metric('tc9.monitor.runs');
    expect(sumWhere(monitorRuns, { 'tc9.monitor.slug': SWEEPER_SLUG, 'tc9.monitor.status': 'ok' })).toBe(1);
  });
});
