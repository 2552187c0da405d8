/**
 * The reference migration service, unchanged, started with `node --import dist/src/register.js`:
 * its requests become one trace each (Express server span with route and status, Prisma operation
 * spans, pg query spans), and GET /debug/error reaches Sentry linked to that request's trace.
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
    env: { ...otlp.env, DATABASE_URL: db.url, PORT: '0', SENTRY_DSN: sentry.dsn, OTEL_SERVICE_NAME: 'migration-service' },
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
    spans.find((s) => s.kind === 'SERVER' && s.attributes['http.route'] === '/organisations' && s.attributes['http.request.method'] === 'POST'),
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
});

it('links the error of GET /debug/error in Sentry to its trace', async () => {
  const res = await fetch(`${service.url}/debug/error`);
  expect(res.status).toBe(500);

  const server = await otlp.waitForSpans((spans) => spans.find((s) => s.kind === 'SERVER' && s.attributes['http.route'] === '/debug/error'));
  expect(server.attributes['http.response.status_code']).toBe(500);
  const event = await sentry.waitForItems('event', (items) => items.find((i) => i.payload.exception)?.payload);
  expect(event.exception.values[0].value).toContain('Intentional error from GET /debug/error');
  expect(event.contexts.trace.trace_id).toBe(server.traceId);
  expect(sentry.items('transaction')).toEqual([]);
});
