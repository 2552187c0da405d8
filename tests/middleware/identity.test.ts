/**
 * The identity middleware in real Express and Fastify servers, with real OTel SDK providers (in memory)
 * and the real Sentry SDK sending to a local envelope receiver. The request's server span is started by
 * a first middleware, as the http instrumentation would.
 */
import { context, trace, type Span } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import express from 'express';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { track } from '../../src/analytics/index.js';
import { captureError } from '../../src/errors/index.js';
import { expressIdentity, fastifyIdentity } from '../../src/middleware/index.js';
import { BaggageLogRecordProcessor, BaggageSpanProcessor } from '../../src/sdk/processors/baggage.js';
import { ATTR } from '../../src/semconv.js';
import { installInMemoryOtel, type InMemoryOtel } from '../helpers/in-memory-otel.js';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver.js';

let otel: InMemoryOtel;
let sentry: SentryReceiver;

beforeAll(async () => {
  otel = installInMemoryOtel({ spanProcessors: [new BaggageSpanProcessor()], logRecordProcessors: [new BaggageLogRecordProcessor()] });
  sentry = await startSentryReceiver();
  Sentry.init({ dsn: sentry.dsn, defaultIntegrations: false, integrations: [Sentry.openTelemetryIntegration()] });
});
afterAll(async () => {
  await Sentry.close(2000);
  await sentry.close();
  await otel.uninstall();
});
beforeEach(() => otel.reset());

const tracer = () => trace.getTracer('test');

/** What the route handler does: an analytics event, a child span, a log record, a captured error. */
async function handle(tag: string): Promise<{ sentryEventId: string | undefined }> {
  await new Promise((r) => setTimeout(r, 5)); // async hop: the context must survive it
  track({ name: 'report.viewed', properties: { tag } });
  tracer().startSpan(`child ${tag}`).end();
  const { sentryEventId } = captureError(new Error(`failure ${tag}`));
  return { sentryEventId };
}

async function assertIdentity(tag: string, user: string, session: string, org: string, sentryEventId: string | undefined) {
  const server = otel.spans().find((s) => s.name === `server ${tag}`)!;
  expect(server.attributes).toMatchObject({ [ATTR.userId]: user, [ATTR.sessionId]: session, [ATTR.orgId]: org });
  const child = otel.spans().find((s) => s.name === `child ${tag}`)!;
  expect(child.attributes).toMatchObject({ [ATTR.userId]: user, [ATTR.sessionId]: session });
  const event = otel.logs().find((r) => r.eventName === 'report.viewed' && r.attributes['tc9.prop.tag'] === tag)!;
  expect(event.attributes).toMatchObject({ [ATTR.userId]: user, [ATTR.sessionId]: session, [ATTR.orgId]: org });
  const error = otel.logs().find((r) => r.eventName === 'tc9.error' && r.attributes[ATTR.exceptionMessage] === `failure ${tag}`)!;
  expect(error.attributes[ATTR.userId]).toBe(user);

  await Sentry.flush(5000);
  const payload = await sentry.waitForItems('event', (items) => items.find((i) => i.payload.event_id === sentryEventId)?.payload);
  expect(payload.user).toMatchObject({ id: user });
  expect(payload.tags).toMatchObject({ [ATTR.sessionId]: session, [ATTR.orgId]: org });
  expect(payload.contexts.trace.trace_id).toBe(server.spanContext().traceId);
}

describe('Express', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    const spans = new WeakMap<object, Span>();
    app.use((req, res, next) => {
      const span = tracer().startSpan(`server ${String(req.headers['x-tag'])}`);
      spans.set(req, span);
      res.on('finish', () => span.end());
      context.with(trace.setSpan(context.active(), span), next);
    });
    app.use(expressIdentity());
    app.get('/report', async (req, res) => {
      res.json(await handle(String(req.headers['x-tag'])));
    });
    app.get('/custom', expressIdentity({ identify: () => ({ userId: 'from-auth', orgType: 'enterprise' }) }), (_req, res) => {
      track({ name: 'custom.viewed' });
      res.json({});
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('puts the identity on the span, in baggage (events, child spans, errors) and on the Sentry scope, per request', async () => {
    const call = (tag: string, user: string, session: string, org: string) =>
      fetch(`${url}/report`, { headers: { 'x-tag': tag, 'x-user-id': user, 'x-session-id': session, 'x-org-id': org } }).then(
        (r) => r.json() as Promise<{ sentryEventId: string }>,
      );
    const [a, b] = await Promise.all([call('ea', 'user-a', 'sess-a', 'org-a'), call('eb', 'user-b', 'sess-b', 'org-b')]);
    await assertIdentity('ea', 'user-a', 'sess-a', 'org-a', a.sentryEventId);
    await assertIdentity('eb', 'user-b', 'sess-b', 'org-b', b.sentryEventId);
  });

  it('uses a custom identify function, and ignores unusable header values', async () => {
    await fetch(`${url}/custom`, { headers: { 'x-tag': 'c', 'x-user-id': 'x'.repeat(300) } });
    const event = otel.logs().find((r) => r.eventName === 'custom.viewed')!;
    expect(event.attributes[ATTR.userId]).toBe('from-auth');
    expect(event.attributes[ATTR.orgType]).toBe('enterprise');
  });
});

describe('Fastify', () => {
  const app = Fastify();
  let url: string;
  beforeAll(async () => {
    app.addHook('onRequest', (req, reply, done) => {
      const span = tracer().startSpan(`server ${String(req.headers['x-tag'])}`);
      reply.raw.on('finish', () => span.end());
      context.with(trace.setSpan(context.active(), span), done);
    });
    await app.register(fastifyIdentity);
    app.post('/report', async (req) => handle(String(req.headers['x-tag'])));
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('does the same for Fastify routes, a parsed body in between', async () => {
    const call = (tag: string, user: string, session: string, org: string) =>
      fetch(`${url}/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tag': tag, 'x-user-id': user, 'x-session-id': session, 'x-org-id': org },
        body: JSON.stringify({ some: 'body' }),
      }).then((r) => r.json() as Promise<{ sentryEventId: string }>);
    const [a, b] = await Promise.all([call('fa', 'user-fa', 'sess-fa', 'org-fa'), call('fb', 'user-fb', 'sess-fb', 'org-fb')]);
    await assertIdentity('fa', 'user-fa', 'sess-fa', 'org-fa', a.sentryEventId);
    await assertIdentity('fb', 'user-fb', 'sess-fb', 'org-fb', b.sentryEventId);
  });
});
