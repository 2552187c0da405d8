/**
 * tc9-observability/trpc on a real tRPC v11 server (examples/trpc-service, tRPC's standalone HTTP adapter) started
 * under `--import register`, exporting OTLP to a local receiver: what one call of each kind leaves behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { REPO, startApp, type ChildApp } from '../sdk/child-app.js';
import { ATTR, EVENT } from '../../src/semconv.js';

let otlp: OtlpReceiver;
let app: ChildApp;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  // Consent is the app's business (denied by default); this test is about the procedures.
  app = await startApp(`${REPO}dist/examples/trpc-service/server.js`, {
    env: { ...otlp.env, OTEL_SERVICE_NAME: 'trpc-service', TC9_CONSENT_DEFAULT: 'granted' },
  });
});
afterAll(async () => {
  await app?.stop();
  await otlp?.close();
});

const headers = { 'content-type': 'application/json', 'x-user-id': 'user-7', 'x-session-id': 'session-7' };
const call = (path: string, init: RequestInit = {}) => fetch(`${app.url}/${path}`, { ...init, headers: { ...headers, ...init.headers } });
const mutate = (path: string, input: unknown) => call(path, { method: 'POST', body: JSON.stringify(input) });

/** The server span of the request whose procedure span has this name, and that span. */
function request(spans: ReceivedSpan[], name: string): { server: ReceivedSpan; rpc: ReceivedSpan } | undefined {
  const rpc = spans.find((s) => s.name === name && s.attributes['rpc.system'] === 'trpc');
  const server = rpc && spans.find((s) => s.kind === 'SERVER' && s.traceId === rpc.traceId);
  return rpc && server ? { server, rpc } : undefined;
}

describe('tRPC procedures', () => {
  it('a query and a mutation: an RPC span under the server span, named as OTel RPC spans are, the route is the procedure', async () => {
    expect((await mutate('project.create', { name: 'Q3 import' })).status).toBe(200);
    expect((await call('project.list')).status).toBe(200);
    const created = await otlp.waitForSpans((s) => request(s, 'project/create'), { what: 'project.create spans' });
    expect(created.rpc).toMatchObject({ kind: 'INTERNAL', parentSpanId: created.server.spanId });
    expect(created.rpc.attributes).toMatchObject({
      'rpc.system': 'trpc',
      'rpc.service': 'project',
      'rpc.method': 'create',
      'tc9.trpc.type': 'mutation',
    });
    expect(created.server.attributes).toMatchObject({
      'http.route': '/project.create',
      'http.response.status_code': 200,
      [ATTR.userId]: 'user-7',
    });
    expect(created.server.name).toBe('POST /project.create');
    const listed = await otlp.waitForSpans((s) => request(s, 'project/list'));
    expect(listed.rpc.attributes['tc9.trpc.type']).toBe('query');
    // The caller reaches the domain API inside the procedure: the feature event carries user and session.
    const used = await otlp.waitForLogs((logs) =>
      logs.find((l) => l.eventName === EVENT.featureUsed && l.attributes[ATTR.featureName] === 'project.create'),
    );
    expect(used.attributes).toMatchObject({ [ATTR.userId]: 'user-7', [ATTR.sessionId]: 'session-7' });
    expect(used.traceId).toBe(created.rpc.traceId);
  });

  it('the request metric counts procedures as routes', async () => {
    const metric = await otlp.waitForMetrics((m) =>
      m.find((x) => x.name === 'http.server.request.duration' && x.points.some((p) => p.attributes['http.route'] === '/project.create')),
    );
    expect(metric.points.find((p) => p.attributes['http.route'] === '/project.create')!.count).toBeGreaterThanOrEqual(1);
  });

  it('a client error (bad input, no user) is classified on the span, never an error status or a captured error', async () => {
    expect((await mutate('project.create', { name: '' })).status).toBe(400);
    expect((await fetch(`${app.url}/admin.stats`)).status).toBe(401);
    const bad = await otlp.waitForSpans(
      (s) =>
        request(s, 'project/create') &&
        s.find((x) => x.name === 'project/create' && x.attributes['rpc.response.status_code'] === 'BAD_REQUEST'),
    );
    expect(bad.attributes).toMatchObject({ [ATTR.errorCategory]: 'validation', [ATTR.errorSeverity]: 'warning' });
    expect(bad.status.code).not.toBe(2);
    const denied = await otlp.waitForSpans((s) =>
      s.find((x) => x.name === 'admin/stats' && x.attributes['rpc.response.status_code'] === 'UNAUTHORIZED'),
    );
    expect(denied.attributes[ATTR.errorCategory]).toBe('authentication');
    const server = otlp.spans.find((s) => s.kind === 'SERVER' && s.traceId === denied.traceId)!;
    expect(server.status.code).not.toBe(2);
    const errors = otlp.logs.filter((l) => l.eventName === EVENT.error && [bad.traceId, denied.traceId].includes(l.traceId!));
    expect(errors).toEqual([]);
  });

  it('a server-side failure is captured once: error status, the thrown error as the error event, in the call trace', async () => {
    expect((await mutate('project.archive', { id: 1 })).status).toBe(500);
    const failed = await otlp.waitForSpans((s) => s.find((x) => x.name === 'project/archive' && x.status.code === 2));
    expect(failed.attributes).toMatchObject({ 'rpc.response.status_code': 'INTERNAL_SERVER_ERROR', [ATTR.errorCategory]: 'server' });
    const event = await otlp.waitForLogs((logs) => logs.find((l) => l.eventName === EVENT.error && l.traceId === failed.traceId));
    expect(event.attributes).toMatchObject({
      [ATTR.exceptionMessage]: 'archive store unavailable',
      [ATTR.errorCategory]: 'server',
      [ATTR.userId]: 'user-7',
      [`${ATTR.propPrefix}action`]: 'trpc mutation project.archive',
    });
    expect(otlp.logs.filter((l) => l.eventName === EVENT.error && l.traceId === failed.traceId)).toHaveLength(1);
  });
});
