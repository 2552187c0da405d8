/**
 * Sentry next to OpenTelemetry: an error thrown in an Express route reaches Sentry carrying that
 * request's OTel trace id, scrubbed; check-ins carry the trace too; Sentry sends no transactions or
 * spans, and its own envelope requests are not traced. Release-health request sessions only with
 * TC9_SENTRY_SESSIONS=true.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver.js';
import { FIXTURES, EXPRESS, startApp, type ChildApp } from './child-app.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let otlp: OtlpReceiver;
let sentry: SentryReceiver;
let app: ChildApp;

beforeAll(async () => {
  db = await createTestDatabase();
  otlp = await startOtlpReceiver();
  sentry = await startSentryReceiver();
  app = await startApp(`${FIXTURES}express-pg/app.mjs`, {
    env: {
      ...otlp.env,
      DATABASE_URL: db.url,
      SENTRY_DSN: sentry.dsn,
      TC9_EXPRESS: EXPRESS,
      SENTRY_RELEASE: 'fixture@1.2.3',
      TC9_ENVIRONMENT: 'test',
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([otlp?.close(), sentry?.close()]);
  await db?.drop();
});

it('links the Sentry error event to the OTel trace of the failing request', async () => {
  const res = await fetch(`${app.url}/boom`, { headers: { cookie: 'sid=secret-session', authorization: 'Bearer abc.def' } });
  expect(res.status).toBe(500);
  expect(await res.json()).toEqual({ error: 'internal' });

  const server = await otlp.waitForSpans((spans) => spans.find((s) => s.kind === 'SERVER' && s.attributes['http.route'] === '/boom'));
  expect(server.attributes['http.response.status_code']).toBe(500);

  const event = await sentry.waitForItems('event', (items) => items.find((i) => i.payload.exception)?.payload);
  expect(event.contexts.trace.trace_id).toBe(server.traceId);
  const traceSpans = await otlp.waitForSpans((spans) => spans.filter((s) => s.traceId === server.traceId));
  expect(traceSpans.map((s) => s.spanId)).toContain(event.contexts.trace.span_id);
  // The span the error handler ran in recorded the exception and is marked failed.
  const failing = await otlp.waitForSpans((spans) =>
    spans.find((s) => s.traceId === server.traceId && s.status.code === 2 && s.events.some((e) => e.name === 'exception')),
  );
  expect(failing.events.find((e) => e.name === 'exception')!.attributes['exception.message']).toContain('boom');

  expect(event.release).toBe('fixture@1.2.3');
  expect(event.environment).toBe('test');
  // Scrubbed by the same rules as spans: no e-mail address, card number, cookies or credentials.
  expect(event.exception.values[0].value).toBe('boom for [email] paying with [card]');
  expect(failing.events.find((e) => e.name === 'exception')!.attributes['exception.message']).toBe('boom for [email] paying with [card]');
  expect(JSON.stringify(event)).not.toContain('4111');
  expect(JSON.stringify(event)).not.toContain('alice@example.com');
  expect(JSON.stringify(event)).not.toContain('secret-session');
  expect(JSON.stringify(event)).not.toContain('abc.def');
});

it('attaches the active trace to check-ins', async () => {
  const res = await fetch(`${app.url}/job`);
  expect(await res.json()).toEqual({ checkedIn: true });
  const server = await otlp.waitForSpans((spans) => spans.find((s) => s.kind === 'SERVER' && s.attributes['http.route'] === '/job'));
  const checkIn = await sentry.waitForItems('check_in', (items) => items.find((i) => i.payload.monitor_slug === 'fixture-job')?.payload);
  expect(checkIn.status).toBe('ok');
  expect(checkIn.contexts.trace.trace_id).toBe(server.traceId);
});

it('sends no Sentry transactions or spans, and does not trace its own envelope requests', async () => {
  // Outgoing requests of the app are traced (so the envelope check below has something to miss)...
  expect((await fetch(`${app.url}/users/7`)).status).toBe(200);
  // ...and SIGTERM flushes everything buffered (OTel and Sentry) before the process exits.
  app.process.kill('SIGTERM');
  const exit = await app.exited;
  expect(exit.signal).toBe('SIGTERM');
  expect(sentry.envelopes.length).toBeGreaterThan(0);
  expect(sentry.items('transaction')).toEqual([]);
  expect(sentry.items('span')).toEqual([]);
  // No request sessions by default (TC9_SENTRY_SESSIONS); with them, SIGTERM's flush would have sent their aggregate.
  expect(sentry.items('sessions')).toEqual([]);
  const httpClients = otlp.spans.filter((s) => s.kind === 'CLIENT' && s.attributes['http.request.method']);
  expect(httpClients.length).toBeGreaterThan(0);
  const sentryPort = Number(new URL(sentry.dsn).port);
  expect(httpClients.filter((s) => s.attributes['server.port'] === sentryPort)).toEqual([]);
  expect(otlp.spans.filter((s) => JSON.stringify(s.attributes).includes('/envelope/'))).toEqual([]);
  // No breadcrumbs for our own exports to the collector either.
  expect(JSON.stringify(sentry.items('event'))).not.toContain('/v1/metrics');
  expect(app.stderr()).not.toMatch(/unhandled/i);
});

it('sends release-health request sessions with TC9_SENTRY_SESSIONS=true', async () => {
  const own = await startSentryReceiver();
  const withSessions = await startApp(`${FIXTURES}express-pg/app.mjs`, {
    env: {
      ...otlp.env,
      DATABASE_URL: db.url,
      SENTRY_DSN: own.dsn,
      TC9_EXPRESS: EXPRESS,
      SENTRY_RELEASE: 'fixture@1.2.3',
      TC9_SENTRY_SESSIONS: 'true',
    },
  });
  try {
    expect((await fetch(`${withSessions.url}/users/7`)).status).toBe(200);
    withSessions.process.kill('SIGTERM');
    await withSessions.exited;
    const aggregates = own.items('sessions').flatMap((i) => (i.payload as { aggregates: { exited: number }[] }).aggregates);
    expect(aggregates.reduce((n, a) => n + a.exited, 0)).toBeGreaterThanOrEqual(1);
  } finally {
    await withSessions.stop();
    await own.close();
  }
});
