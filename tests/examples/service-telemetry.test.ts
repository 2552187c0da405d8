/**
 * The reference migration service started with `node --import dist/src/register.js`: its requests
 * become one trace each (Express server span with route and status, Prisma operation spans, pg query
 * spans), GET /debug/error reaches Sentry linked to that request's trace, and the journey's analytics
 * events carry the request's session (x-session-id) and trace.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver.js';
import { REPO, startApp, type ChildApp } from '../sdk/child-app.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let otlp: OtlpReceiver;
let sentry: SentryReceiver;
let service: ChildApp;

beforeAll(async () => {
  db = await createTestDatabase('tc9_svc_otel');
  otlp = await startOtlpReceiver();
  sentry = await startSentryReceiver();
  service = await startApp(`${REPO}dist/examples/migration-service/server.js`, {
    // Consent granted by default: the journey's analytics events are kept as they are.
    env: {
      ...otlp.env,
      DATABASE_URL: db.url,
      PORT: '0',
      SENTRY_DSN: sentry.dsn,
      OTEL_SERVICE_NAME: 'migration-service',
      TC9_CONSENT_DEFAULT: 'granted',
    },
  });
});
afterAll(async () => {
  await service?.stop();
  await Promise.all([otlp?.close(), sentry?.close()]);
  await db?.drop();
});

it('traces a request through Express, Prisma and pg in one trace', async () => {
  const res = await fetch(`${service.url}/organisations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Acme Source', type: 'production' }),
  });
  expect(res.status).toBe(201);

  const server = await otlp.waitForSpans((spans) =>
    spans.find(
      (s) => s.kind === 'SERVER' && s.attributes['http.route'] === '/organisations' && s.attributes['http.request.method'] === 'POST',
    ),
  );
  expect(server.attributes['http.response.status_code']).toBe(201);
  expect(server.resource['service.name']).toBe('migration-service');

  const trace = await otlp.waitForSpans((spans) => {
    const t = spans.filter((s) => s.traceId === server.traceId);
    const prisma = t.filter((s) => s.name.startsWith('prisma:client:operation'));
    const pg = t.filter((s) => s.attributes['db.system.name'] === 'postgresql' && s.attributes['db.query.text']);
    return prisma.length > 0 && pg.length > 0 ? t : undefined;
  });
  const operation = trace.find((s) => s.name.startsWith('prisma:client:operation'))!;
  expect(operation.attributes).toMatchObject({ method: 'create', model: 'Organisation' });
  const insert = trace.find((s) => String(s.attributes['db.query.text']).toUpperCase().startsWith('INSERT'));
  expect(insert).toBeDefined();
  // The Prisma operation hangs under the request, the query under the Prisma operation.
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const ancestors = (span: (typeof trace)[number]) => {
    const out: string[] = [];
    for (let p = byId.get(span.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? '')) out.push(p.spanId);
    return out;
  };
  expect(ancestors(operation)).toContain(server.spanId);
  expect(ancestors(insert!)).toContain(operation.spanId);
  // Default span layout: the route handler, not a span per middleware (nor router's duplicates of
  // them), no Prisma serialise/compile steps, and no prisma:client:db_query beside pg's span of the same
  // query: the pg span hangs straight under the Prisma operation.
  const noise = trace.filter(
    (s) =>
      s.scope.name === '@opentelemetry/instrumentation-router' ||
      s.name.startsWith('middleware - ') ||
      /^prisma:client:(serialize|compile|db_query)$/.test(s.name),
  );
  expect(noise.map((s) => s.name)).toEqual([]);
  expect(byId.get(insert!.parentSpanId ?? '')?.name).toBe('prisma:client:operation');
  // Whatever was left out, every exported span but the root still has its parent in the trace.
  for (const s of trace) if (s !== server) expect(byId.has(s.parentSpanId ?? '')).toBe(true);
  expect(
    trace.some((s) => s.scope.name === '@opentelemetry/instrumentation-express' && s.attributes['http.route'] === '/organisations'),
  ).toBe(true);
});

it('links the error of GET /debug/error in Sentry to its trace', async () => {
  const res = await fetch(`${service.url}/debug/error`);
  expect(res.status).toBe(500);

  const server = await otlp.waitForSpans((spans) =>
    spans.find((s) => s.kind === 'SERVER' && s.attributes['http.route'] === '/debug/error'),
  );
  expect(server.attributes['http.response.status_code']).toBe(500);
  const event = await sentry.waitForItems('event', (items) => items.find((i) => i.payload.exception)?.payload);
  expect(event.exception.values[0].value).toContain('Intentional error from GET /debug/error');
  expect(event.contexts.trace.trace_id).toBe(server.traceId);
  expect(sentry.items('transaction')).toEqual([]);
});

it('emits the journey events with the request session id and trace id', async () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const signIn = await post('/sessions', { userId: 'journey-user' });
  expect(signIn.status).toBe(201);
  const { sessionId } = (await signIn.json()) as { sessionId: string };
  const who = { 'x-user-id': 'journey-user', 'x-session-id': sessionId };
  const org = (await (await post('/organisations', { name: 'Journey Org', type: 'sandbox' }, who)).json()) as { id: string };
  const other = (await (await post('/organisations', { name: 'Journey Target', type: 'developer' }, who)).json()) as { id: string };
  expect((await post(`/organisations/${org.id}/connect`, {}, who)).status).toBe(200);
  const project = (await (
    await post('/projects', { name: 'Journey', sourceOrgId: org.id, targetOrgId: other.id, template: 'journey' }, who)
  ).json()) as { id: string };
  expect((await post(`/projects/${project.id}/runs`, { records: 20, batchSize: 10 }, who)).status).toBe(202);

  const cases: [event: string, route: string][] = [
    ['user.login', '/sessions'],
    ['organisation.connected', '/organisations/:id/connect'],
    ['migration.created', '/projects'],
    ['migration.executed', '/projects/:id/runs'],
  ];
  const found = await otlp.waitForLogs((logs) => {
    const pairs = cases.map(([event, route]) => {
      const log = logs.find((l) => l.eventName === event && l.attributes['session.id'] === sessionId);
      // The request's own server span: its route, and the trace the event was emitted in.
      const span = otlp.spans.find(
        (s) =>
          s.kind === 'SERVER' &&
          s.attributes['http.route'] === route &&
          s.attributes['http.request.method'] === 'POST' &&
          s.traceId === log?.traceId,
      );
      return log && span ? { event, log, span } : undefined;
    });
    return pairs.every(Boolean) ? pairs : undefined;
  });
  for (const pair of found) {
    expect(pair!.log.traceId, pair!.event).toBe(pair!.span.traceId);
    expect(pair!.log.attributes['user.id'], pair!.event).toBe('journey-user');
    // Requests sent with the identity headers carry it on their server span itself, not only on the
    // middleware's span (sign-in creates the session, so its request had none).
    if (pair!.event !== 'user.login') expect(pair!.span.attributes['session.id'], pair!.event).toBe(sessionId);
  }
});
