/**
 * The reference migration service over real PostgreSQL, started in-process on an ephemeral port.
 * Expected run counts follow the dataset rule (run/dataset.ts): F = round(rate × N) failing records,
 * ceil(F/2) rejected by transform (REQUIRED_FIELD_MISSING), floor(F/2) by the target on load (INACTIVE_OWNER_OR_USER).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../examples/migration-service/app.js';
import type { ApiCallInfo, PhaseInfo, RunHooks, RunInfo, RunOutcome } from '../../examples/migration-service/run/hooks.js';
import { createTestDatabase } from '../helpers/postgres.js';

// Response bodies are checked field by field; a loose type keeps the assertions readable.
// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely, path by path, and the assertions check the values
type Json = Record<string, any>;

interface Call {
  status: number;
  body: Json;
  headers: Headers;
}

function client(base: string) {
  return async (method: string, path: string, body?: unknown, raw?: string): Promise<Call> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
      body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
    });
    return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
  };
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

describe('migration service HTTP API', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningServer;
  let call: ReturnType<typeof client>;
  const serverErrors: { err: unknown; context: string }[] = [];
  const seen = { runs: [] as RunInfo[], outcomes: [] as RunOutcome[], phases: [] as PhaseInfo[], apiCalls: [] as ApiCallInfo[] };
  /** A run whose project is named "gated" waits in its load phase until this is resolved. */
  let releaseLoad: () => void = () => undefined;
  const loadGate = new Promise<void>((resolve) => (releaseLoad = resolve));

  const hooks: RunHooks = {
    run: async (info, execute) => {
      seen.runs.push(info);
      const outcome = await execute();
      seen.outcomes.push(outcome);
      return outcome;
    },
    phase: async (info, execute) => {
      seen.phases.push(info);
      if (info.run.projectName === 'gated' && info.phase === 'load') await loadGate;
      return execute();
    },
    apiCall: (info, execute) => {
      seen.apiCalls.push(info);
      return execute();
    },
  };

  let source: Json;
  let target: Json;
  let project: Json;

  async function waitForRun(id: string): Promise<Json> {
    for (;;) {
      const { status, body } = await call('GET', `/runs/${id}`);
      expect(status).toBe(200);
      if (FINAL.has(body.status)) return body;
      await sleep(20);
    }
  }

  async function startRun(projectId: string, options: Json): Promise<Json> {
    const { status, body } = await call('POST', `/projects/${projectId}/runs`, options);
    expect(status, JSON.stringify(body)).toBe(202);
    return body;
  }

  beforeAll(async () => {
    db = await createTestDatabase('tc9_msapi');
    service = await startServer({
      databaseUrl: db.url,
      port: 0,
      hooks,
      apiLatency: { baseMs: 1, perRecordMs: 0 },
      onError: (err, context) => serverErrors.push({ err, context }),
    });
    call = client(service.url);
    source = (
      await call('POST', '/organisations', { name: 'Acme Production', type: 'production', instanceUrl: 'https://acme.my.salesforce.com' })
    ).body;
    target = (await call('POST', '/organisations', { name: 'Acme UAT', type: 'sandbox' })).body;
    project = (
      await call('POST', '/projects', { name: 'Accounts to UAT', sourceOrgId: source.id, targetOrgId: target.id, template: 'accounts' })
    ).body;
  });

  afterAll(async () => {
    releaseLoad();
    await service?.close();
    await db?.drop();
  });

  it('answers /health with {"status":"ok"} after checking the database', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"ok"}');
  });

  it('creates and lists organisations', async () => {
    expect(source).toMatchObject({ name: 'Acme Production', type: 'production', instanceUrl: 'https://acme.my.salesforce.com' });
    expect(source.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(source.createdAt).getTime()).not.toBeNaN();
    expect(target.instanceUrl).toBeNull();
    const { status, body } = await call('GET', '/organisations');
    expect(status).toBe(200);
    expect(body.organisations.map((o: Json) => o.id)).toEqual(expect.arrayContaining([source.id, target.id]));
  });

  it('creates a project and shows it with its organisations', async () => {
    expect(project).toMatchObject({ name: 'Accounts to UAT', template: 'accounts', sourceOrgId: source.id, targetOrgId: target.id });
    expect(project.sourceOrg).toMatchObject({ id: source.id, type: 'production' });
    const { status, body } = await call('GET', `/projects/${project.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: project.id, targetOrg: { id: target.id, name: 'Acme UAT', type: 'sandbox' } });
  });

  it('runs a migration in the background: 202 at once, then extract, transform and load with the seeded failures', async () => {
    const started = await startRun(project.id, { records: 1000, failureRate: 0.05, batchSize: 200, seed: 42 });
    expect(started).toMatchObject({ status: 'queued', recordsTotal: 1000, failureRate: 0.05, batchSize: 200, seed: 42, failAt: null });

    const run = await waitForRun(started.id);
    expect(run).toMatchObject({ id: started.id, projectId: project.id, status: 'succeeded', progress: 1, error: null });
    expect(run).toMatchObject({ recordsTotal: 1000, recordsProcessed: 950, recordsFailed: 50 });
    expect(run.phases.map((p: Json) => [p.phase, p.status, p.recordsIn, p.recordsProcessed, p.recordsFailed])).toEqual([
      ['extract', 'succeeded', 1000, 1000, 0],
      ['transform', 'succeeded', 1000, 975, 25],
      ['load', 'succeeded', 975, 950, 25],
    ]);
    for (const phase of run.phases) {
      expect(phase.durationMs).toBeGreaterThanOrEqual(0);
      expect(new Date(phase.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(phase.startedAt).getTime());
    }

    const results = await call('GET', `/runs/${started.id}/results`);
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ runId: started.id, status: 'succeeded', finished: true, successRate: 0.95 });
    expect(results.body.phases.map((p: Json) => [p.phase, p.failureReasons])).toEqual([
      ['extract', {}],
      ['transform', { REQUIRED_FIELD_MISSING: 25 }],
      ['load', { INACTIVE_OWNER_OR_USER: 25 }],
    ]);
  });

  it('counts an odd number of failures as documented: ceil(F/2) in transform, floor(F/2) in load', async () => {
    const { id } = await startRun(project.id, { records: 101, failureRate: 0.03, batchSize: 10, seed: 7 });
    const run = await waitForRun(id);
    expect(run.status).toBe('succeeded');
    expect(run.phases.map((p: Json) => p.recordsFailed)).toEqual([0, 2, 1]);
    expect([run.recordsProcessed, run.recordsFailed]).toEqual([98, 3]);
  });

  it('uses the defaults (1000 records, 1% failures) when the body is empty', async () => {
    const { status, body } = await call('POST', `/projects/${project.id}/runs`);
    expect(status).toBe(202);
    expect(body).toMatchObject({ recordsTotal: 1000, failureRate: 0.01, batchSize: 200 });
    const run = await waitForRun(body.id);
    expect([run.status, run.recordsProcessed, run.recordsFailed]).toEqual(['succeeded', 990, 10]);
  });

  it('hands run, phase and API call information to the hooks', async () => {
    const { id } = await startRun(project.id, { records: 450, failureRate: 0, batchSize: 100, seed: 1 });
    await waitForRun(id);
    const info = seen.runs.find((r) => r.runId === id);
    expect(info).toMatchObject({
      projectId: project.id,
      template: 'accounts',
      recordsTotal: 450,
      batchSize: 100,
      sourceOrg: { id: source.id, type: 'production' },
      targetOrg: { id: target.id, type: 'sandbox' },
    });
    expect(seen.phases.filter((p) => p.run.runId === id).map((p) => [p.phase, p.recordsIn])).toEqual([
      ['extract', 450],
      ['transform', 450],
      ['load', 450],
    ]);
    const calls = seen.apiCalls.filter((c) => c.run.runId === id);
    expect(calls.map((c) => `${c.phase}:${c.operation}:${c.records}:${c.org.id === source.id ? 'source' : 'target'}`)).toEqual([
      ...[100, 100, 100, 100, 50].map((n) => `extract:query:${n}:source`),
      ...[100, 100, 100, 100, 50].map((n) => `load:upsert:${n}:target`),
    ]);
    expect(seen.outcomes.find((o) => o.runId === id)).toMatchObject({ status: 'succeeded', recordsProcessed: 450, recordsFailed: 0 });
  });

  it('shows a running run with its current phase and progress', async () => {
    const gated = (await call('POST', '/projects', { name: 'gated', sourceOrgId: source.id, targetOrgId: target.id })).body;
    const { id } = await startRun(gated.id, { records: 300, failureRate: 0, batchSize: 100 });
    let run: Json;
    do {
      await sleep(10);
      run = (await call('GET', `/runs/${id}`)).body;
    } while (run.phases.length < 2 || run.phases[1].status !== 'succeeded');
    // Extract and transform are done; load waits on the gate and has not created its row yet.
    expect(run).toMatchObject({ status: 'running', progress: 0.6667, finishedAt: null });
    const results = await call('GET', `/runs/${id}/results`);
    expect(results.body).toMatchObject({ status: 'running', finished: false, durationMs: null });
    releaseLoad();
    expect((await waitForRun(id)).progress).toBe(1);
  });

  it('fails a run whose records all fail (failureRate 1)', async () => {
    const { id } = await startRun(project.id, { records: 10, failureRate: 1, batchSize: 5 });
    const run = await waitForRun(id);
    expect(run).toMatchObject({ status: 'failed', recordsProcessed: 0, recordsFailed: 10 });
    expect(run.error).toContain('all 10 records failed');
    expect(run.finishedAt).not.toBeNull();
  });

  it('fails a run at the phase named by failAt, keeping what the phases did before', async () => {
    const load = await waitForRun((await startRun(project.id, { records: 1000, failureRate: 0, batchSize: 200, failAt: 'load' })).id);
    expect(load).toMatchObject({ status: 'failed', recordsProcessed: 400, recordsFailed: 0 });
    expect(load.error).toMatch(/SERVER_UNAVAILABLE/);
    expect(load.phases.map((p: Json) => [p.phase, p.status, p.recordsProcessed])).toEqual([
      ['extract', 'succeeded', 1000],
      ['transform', 'succeeded', 1000],
      ['load', 'failed', 400],
    ]);
    expect(load.progress).toBeCloseTo((2 + 400 / 1000) / 3, 3);

    const extract = await waitForRun((await startRun(project.id, { records: 1000, batchSize: 200, failAt: 'extract' })).id);
    expect(extract.status).toBe('failed');
    expect(extract.phases.map((p: Json) => [p.phase, p.status, p.recordsProcessed])).toEqual([['extract', 'failed', 400]]);

    const transform = await waitForRun(
      (await startRun(project.id, { records: 1000, failureRate: 0.2, batchSize: 200, failAt: 'transform' })).id,
    );
    expect(transform.error).toMatch(/field mapping failed/);
    expect(transform.phases.map((p: Json) => p.status)).toEqual(['succeeded', 'failed']);
    // Two of five batches went through before the breakdown; their rejects are kept with their reasons.
    const partial = transform.phases[1];
    expect(partial.recordsProcessed + partial.recordsFailed).toBe(400);
    expect(partial.recordsFailed).toBeGreaterThan(0);
    expect(partial.failureReasons).toEqual({ REQUIRED_FIELD_MISSING: partial.recordsFailed });
    expect(transform.recordsFailed).toBe(partial.recordsFailed);

    const outcome = seen.outcomes.find((o) => o.runId === load.id);
    expect(outcome?.status).toBe('failed');
    expect(outcome?.cause).toBeInstanceOf(Error);
  });

  it('lists projects with their run counts by status', async () => {
    const { status, body } = await call('GET', '/projects');
    expect(status).toBe(200);
    const listed = body.projects.find((p: Json) => p.id === project.id);
    const runs = await new pg.Client({ connectionString: db.url });
    await runs.connect();
    try {
      const { rows } = await runs.query<{ status: string; n: number }>(
        'SELECT status::text, count(*)::int AS n FROM migration_runs WHERE project_id = $1 GROUP BY status',
        [project.id],
      );
      const expected = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      expect(listed.runs.total).toBe(rows.reduce((sum, r) => sum + r.n, 0));
      expect(listed.runs.failed).toBe(expected.failed);
      expect(listed.runs.succeeded).toBe(expected.succeeded);
      expect(listed.runs.total).toBeGreaterThanOrEqual(8);
    } finally {
      await runs.end();
    }
    const detail = await call('GET', `/projects/${project.id}`);
    expect(detail.body.runs).toEqual(listed.runs);
    expect(detail.body.recentRuns.length).toBe(Math.min(20, listed.runs.total));
  });

  describe('validation: 400 with a message naming the field', () => {
    const cases: [string, string, () => string, () => unknown, string][] = [
      ['organisation without name', 'POST', () => '/organisations', () => ({ type: 'sandbox' }), 'name'],
      ['organisation with an unknown type', 'POST', () => '/organisations', () => ({ name: 'x', type: 'staging' }), 'type'],
      [
        'organisation with a bad instanceUrl',
        'POST',
        () => '/organisations',
        () => ({ name: 'x', type: 'sandbox', instanceUrl: 'not a url' }),
        'instanceUrl',
      ],
      [
        'project with a malformed sourceOrgId',
        'POST',
        () => '/projects',
        () => ({ name: 'p', sourceOrgId: 'abc', targetOrgId: target.id }),
        'sourceOrgId',
      ],
      [
        'project from and to the same org',
        'POST',
        () => '/projects',
        () => ({ name: 'p', sourceOrgId: source.id, targetOrgId: source.id }),
        'targetOrgId',
      ],
      [
        'project with an empty name',
        'POST',
        () => '/projects',
        () => ({ name: ' ', sourceOrgId: source.id, targetOrgId: target.id }),
        'name',
      ],
      ['run with failureRate above 1', 'POST', () => `/projects/${project.id}/runs`, () => ({ failureRate: 1.5 }), 'failureRate'],
      ['run with a fractional record count', 'POST', () => `/projects/${project.id}/runs`, () => ({ records: 10.5 }), 'records'],
      ['run with batchSize 0', 'POST', () => `/projects/${project.id}/runs`, () => ({ batchSize: 0 }), 'batchSize'],
      ['run with an unknown failAt phase', 'POST', () => `/projects/${project.id}/runs`, () => ({ failAt: 'deploy' }), 'failAt'],
    ];
    it.each(cases)('%s', async (_name, method, path, body, field) => {
      const { status, body: error } = await call(method, path(), body());
      expect(status).toBe(400);
      expect(error.error).toMatch(new RegExp(`(^|; )${field}: `));
    });

    it('rejects malformed JSON', async () => {
      const { status, body } = await call('POST', '/organisations', undefined, '{"name":');
      expect(status).toBe(400);
      expect(body.error).toMatch(/^body: /);
    });
  });

  describe('404 for unknown ids and routes', () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    it.each([
      ['GET', `/projects/${unknown}`, /project .* not found/],
      ['GET', '/projects/not-a-uuid', /project not-a-uuid not found/],
      ['GET', `/runs/${unknown}`, /run .* not found/],
      ['GET', `/runs/${unknown}/results`, /run .* not found/],
      ['POST', `/projects/${unknown}/runs`, /project .* not found/],
      ['GET', '/nowhere', /no route for GET \/nowhere/],
    ])('%s %s', async (method, path, message) => {
      const { status, body } = await call(method, path, method === 'POST' ? {} : undefined);
      expect(status).toBe(404);
      expect(body.error).toMatch(message);
    });

    it('names the field whose organisation does not exist', async () => {
      const { status, body } = await call('POST', '/projects', { name: 'p', sourceOrgId: source.id, targetOrgId: unknown });
      expect(status).toBe(404);
      expect(body.error).toBe(`targetOrgId: organisation ${unknown} not found`);
    });
  });

  it('turns a thrown error into a 500 JSON answer and reports it', async () => {
    const before = serverErrors.length;
    const { status, body } = await call('GET', '/debug/error');
    expect(status).toBe(500);
    expect(body.error).toBe('internal server error');
    expect(serverErrors.slice(before).map((e) => [e.context, (e.err as Error).message])).toEqual([
      ['GET /debug/error', 'Intentional error from GET /debug/error (error capture demo)'],
    ]);
  });
});

describe('migration service lifecycle', () => {
  it('cancels runs in flight on close() and releases the database', async () => {
    const db = await createTestDatabase('tc9_msclose');
    try {
      const service = await startServer({ databaseUrl: db.url, port: 0, apiLatency: { baseMs: 50, perRecordMs: 0 } });
      const call = client(service.url);
      const a = (await call('POST', '/organisations', { name: 'a', type: 'developer' })).body;
      const b = (await call('POST', '/organisations', { name: 'b', type: 'scratch' })).body;
      const p = (await call('POST', '/projects', { name: 'long', sourceOrgId: a.id, targetOrgId: b.id })).body;
      const { body: run } = await call('POST', `/projects/${p.id}/runs`, { records: 100_000, batchSize: 100 });
      while ((await call('GET', `/runs/${run.id}`)).body.status !== 'running') await sleep(10);
      await service.close();
      expect(service.scheduler.active).toBe(0);
      await expect(fetch(`${service.url}/health`)).rejects.toThrow();

      const check = new pg.Client({ connectionString: db.url });
      await check.connect();
      try {
        const { rows } = await check.query('SELECT status::text, error, finished_at FROM migration_runs WHERE id = $1', [run.id]);
        expect(rows[0]).toMatchObject({ status: 'cancelled', error: 'cancelled: service shutting down' });
        expect(rows[0].finished_at).not.toBeNull();
        // Prisma and the pool are closed: only our own session remains on this database. A closed connection's
        // backend leaves pg_stat_activity when it has exited, a moment after the socket closed: wait for that.
        await vi.waitFor(
          async () => {
            const sessions = await check.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [db.name]);
            expect(sessions.rows[0].n).toBe(1);
          },
          { timeout: 10_000, interval: 50 },
        );
      } finally {
        await check.end();
      }
    } finally {
      await db.drop();
    }
  });

  it('rejects startServer when the database is unreachable', async () => {
    await expect(startServer({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/tc9_no_such_database', port: 0 })).rejects.toThrow(
      /tc9_no_such_database/,
    );
  });
});
