import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import express from 'express';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { expressIngest } from '../../src/express/index.js';
import { ATTR, EVENT } from '../../src/semconv.js';
import { CHROME_WINDOWS_UA, event, IPHONE_UA, post, startIngestServer, WRITE_KEY, type Framework, type IngestServer } from './harness.js';

describe.each<Framework>(['express', 'fastify'])('ingest endpoint on %s', (framework) => {
  let server: IngestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers 401 without a write key or with an unknown one, and emits nothing', async () => {
    server = await startIngestServer(framework);
    const none = await post(server.url, { batch: [event()] }, {});
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/write key/);
    expect(none.headers.get('www-authenticate')).toMatch(/^WriteKey/);
    const wrong = await post(server.url, { batch: [event()] }, { 'x-write-key': 'pk_other' });
    expect(wrong.status).toBe(401);
    const wrongInBody = await post(server.url, { batch: [event()], writeKey: 'pk_other' }, { 'content-type': 'text/plain' });
    expect(wrongInBody.status).toBe(401);
    expect(server.records()).toHaveLength(0);
  });

  it("writes a browser event's traceId/spanId as the record's trace context, and rejects malformed ones", async () => {
    server = await startIngestServer(framework);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    const traced = event({ traceId, spanId });
    const untraced = event();
    const bad = [
      event({ traceId: traceId.toUpperCase(), spanId }),
      event({ traceId: '0'.repeat(32), spanId }),
      event({ traceId }),
      event({ traceId, spanId: 'xyz' }),
    ];
    const res = await post(server.url, { batch: [traced, untraced, ...bad] });
    expect(res.status).toBe(400);
    expect(res.body.accepted).toBe(2);
    expect((res.body.rejected as { index: number }[]).map((r) => r.index)).toEqual([2, 3, 4, 5]);
    const records = server.records();
    const byId = (id: string) => records.find((r) => r.attributes[ATTR.eventId] === id)!;
    expect(byId(traced.id).spanContext).toMatchObject({ traceId, spanId });
    expect(byId(untraced.id).spanContext).toBeUndefined();
  });

  it('accepts the key as x-write-key, as Basic auth user name, and in a text/plain beacon body', async () => {
    server = await startIngestServer(framework);
    const header = await post(server.url, { batch: [event()] });
    const basic = await post(
      server.url,
      { batch: [event()] },
      { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
    );
    const beacon = await post(server.url, { batch: [event()], writeKey: WRITE_KEY }, { 'content-type': 'text/plain;charset=UTF-8' });
    expect([header.status, basic.status, beacon.status]).toEqual([200, 200, 200]);
    expect(server.records()).toHaveLength(3);
  });

  it('rejects invalid events with 400 naming the field, and still records the valid ones of the batch', async () => {
    server = await startIngestServer(framework);
    const good1 = event({ event: 'report.exported', properties: { format: 'csv' } });
    const badName = event({ event: '9 not a name' });
    const good2 = event({ event: EVENT.featureUsed, properties: { feature: 'report.export' } });
    const noFeature = event({ event: EVENT.featureUsed, properties: { other: 1 } });
    const badUrl = event({ context: { url: 'javascript:alert(1)' } });
    const res = await post(server.url, { batch: [good1, badName, good2, noFeature, badUrl] });

    expect(res.status).toBe(400);
    expect(res.body.accepted).toBe(2);
    const rejected = res.body.rejected as { index: number; id: string; errors: string[] }[];
    expect(rejected.map((r) => r.index)).toEqual([1, 3, 4]);
    expect(rejected[0]!.id).toBe(badName.id);
    expect(rejected[0]!.errors[0]).toMatch(/^batch\[1\]\.event: /);
    expect(rejected[1]!.errors[0]).toMatch(/^batch\[3\]\.properties\.feature: feature\.used events need the feature name/);
    expect(rejected[2]!.errors[0]).toMatch(/^batch\[4\]\.context\.url: must be an http\(s\) URL/);
    expect(res.body.error).toMatch(/^3 of 5 events rejected: batch\[1\]\.event/);
    expect(server.records().map((r) => r.attributes[ATTR.eventId])).toEqual([good1.id, good2.id]);
  });

  it('answers 400 naming the envelope field for a body without a batch, and for malformed JSON', async () => {
    server = await startIngestServer(framework);
    const noBatch = await post(server.url, { events: [] });
    expect(noBatch.status).toBe(400);
    expect(noBatch.body.error).toMatch(/^batch: /);
    const broken = await post(server.url, '{"batch": [');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatch(/^body: not valid JSON/);
  });

  it('answers 413 for a body over the limit, announced by Content-Length or streamed in chunks', async () => {
    server = await startIngestServer(framework);
    const big = JSON.stringify({ batch: [event({ properties: { blob: 'x'.repeat(600 * 1024) } })] });
    const announced = await post(server.url, big);
    expect(announced.status).toBe(413);
    expect(announced.body.error).toBe(`body larger than ${512 * 1024} bytes`);

    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${server!.url}/v1/events`);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-write-key': WRITE_KEY, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 64 * 1024) req.write(big.slice(i, i + 64 * 1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(server.records()).toHaveLength(0);
  });

  it('answers 429 with Retry-After past the rate limit of a key and address; other keys keep their own budget', async () => {
    server = await startIngestServer(framework, { writeKeys: [WRITE_KEY, 'pk_second'], rateLimit: { burst: 3, perSecond: 0.01 } });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await post(server.url, { batch: [event()] });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(last!.body.error).toBe('rate limit exceeded');
    const other = await post(server.url, { batch: [event()] }, { 'x-write-key': 'pk_second' });
    expect(other.status).toBe(200);
    expect(server.records()).toHaveLength(4);
  });

  it('emits each event as an OTel event with the server-side names, client, browser, OS and device attributes', async () => {
    server = await startIngestServer(framework, { ipMode: 'truncate' });
    const view = event({
      event: EVENT.pageView,
      userId: 'user-42',
      sessionId: 'sess-a',
      properties: { plan: 'pro', filters: { year: 2024 } },
    });
    const feature = event({ event: EVENT.featureUsed, sessionId: 'sess-a', properties: { feature: 'report.export', durationMs: 120 } });
    const error = event({
      event: EVENT.error,
      sessionId: 'sess-a',
      properties: { message: 'boom', type: 'TypeError', stack: 'TypeError: boom\n    at x.js:1:1', handled: false },
    });
    const vital = event({
      event: EVENT.performance,
      sessionId: 'sess-a',
      properties: { metric: 'LCP', metricType: 'web_vital', value: 1234.5, unit: 'ms', rating: 'good' },
    });
    const res = await post(server.url, { batch: [view, feature, error, vital] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 4, duplicates: 0, rejected: [] });

    const [v, f, e, p] = server.records();
    expect(v!.eventName).toBe(EVENT.pageView);
    expect(v!.attributes).toMatchObject({
      [ATTR.eventId]: view.id,
      [ATTR.eventKind]: 'analytics',
      [ATTR.eventSource]: 'browser',
      [ATTR.userId]: 'user-42',
      [ATTR.sessionId]: 'sess-a',
      [ATTR.urlPath]: '/reports',
      [ATTR.browserName]: 'Chrome',
      [ATTR.osName]: 'Windows',
      [ATTR.deviceType]: 'desktop',
      [ATTR.userAgent]: CHROME_WINDOWS_UA,
      [ATTR.clientAddress]: '127.0.0.0',
      [`${ATTR.propPrefix}plan`]: 'pro',
      [`${ATTR.propPrefix}filters`]: '{"year":2024}',
      [`${ATTR.contextPrefix}title`]: 'Reports',
      [`${ATTR.contextPrefix}screenResolution`]: '1920x1080',
    });
    expect(f!.attributes).toMatchObject({ [ATTR.featureName]: 'report.export', [ATTR.durationMs]: '120' });
    expect(f!.attributes[`${ATTR.propPrefix}feature`]).toBeUndefined();
    expect(e!.eventName).toBe(EVENT.error);
    expect(e!.severityText).toBe('ERROR');
    expect(e!.attributes).toMatchObject({
      [ATTR.eventKind]: 'error',
      [ATTR.exceptionType]: 'TypeError',
      [ATTR.exceptionMessage]: 'boom',
      [ATTR.errorCategory]: 'client',
      [`${ATTR.propPrefix}handled`]: 'false',
    });
    expect(p!.attributes).toMatchObject({
      [ATTR.eventKind]: 'performance',
      [ATTR.metricName]: 'LCP',
      [ATTR.metricType]: 'web_vital',
      [ATTR.durationMs]: '1234.5',
      [`${ATTR.propPrefix}value`]: '1234.5',
    });
    // Not linked to the ingest request's own trace.
    expect(v!.spanContext).toBeUndefined();
  });

  it('redacts e-mail addresses, tokens and secret-named properties before anything is emitted', async () => {
    server = await startIngestServer(framework);
    const e = event({
      event: EVENT.error,
      properties: { message: 'no account for jane.doe@example.com', apiKey: 'sk_live_123', note: 'Bearer abc.def.ghi', count: 3 },
      context: { url: 'https://app.example.com/users/jane.doe@example.com', title: 'Profile of jane.doe@example.com' },
    });
    expect((await post(server.url, { batch: [e] })).status).toBe(200);
    const attributes = server.records()[0]!.attributes;
    expect(JSON.stringify(attributes)).not.toContain('jane.doe@example.com');
    expect(JSON.stringify(attributes)).not.toContain('sk_live_123');
    expect(attributes).toMatchObject({
      [ATTR.exceptionMessage]: 'no account for [email]',
      [`${ATTR.propPrefix}apiKey`]: '[redacted]',
      [`${ATTR.propPrefix}note`]: 'Bearer [redacted]',
      [`${ATTR.propPrefix}count`]: '3',
      [`${ATTR.contextPrefix}title`]: 'Profile of [email]',
    });
  });

  it('redacts at the door with the configured allow and deny keys and card numbers', async () => {
    server = await startIngestServer(framework, {
      config: loadConfig({ TC9_PRIVACY_DENY_KEYS: 'customer_ref', TC9_PRIVACY_ALLOW_KEYS: 'session_length' }),
    });
    const e = event({ event: 'checkout', properties: { customer_ref: 'C-881', session_length: '300', note: 'card 4111 1111 1111 1111' } });
    expect((await post(server.url, { batch: [e] })).status).toBe(200);
    expect(server.records()[0]!.attributes).toMatchObject({
      [`${ATTR.propPrefix}customer_ref`]: '[redacted]',
      [`${ATTR.propPrefix}session_length`]: '300',
      [`${ATTR.propPrefix}note`]: 'card [card]',
    });
  });

  it('reads browser, OS and device of a phone', async () => {
    server = await startIngestServer(framework);
    expect((await post(server.url, { batch: [event()] }, { 'x-write-key': WRITE_KEY, 'user-agent': IPHONE_UA })).status).toBe(200);
    expect(server.records()[0]!.attributes).toMatchObject({
      [ATTR.browserName]: 'Mobile Safari',
      [ATTR.osName]: 'iOS',
      [ATTR.deviceType]: 'mobile',
    });
  });

  it('corrects the client clock with sentAt and drops a resent batch as duplicates', async () => {
    server = await startIngestServer(framework);
    // A client clock one hour behind: the event happened 2 s before sending, by that clock.
    const clientNow = Date.now() - 3600_000;
    const e = event({ timestamp: new Date(clientNow - 2000).toISOString() });
    const body = { batch: [e], sentAt: new Date(clientNow).toISOString() };
    const before = Date.now();
    expect((await post(server.url, body)).body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await post(server.url, body)).body).toMatchObject({ accepted: 0, duplicates: 1 });
    const records = server.records();
    expect(records).toHaveLength(1);
    const [seconds, nanos] = records[0]!.hrTime;
    const ms = seconds * 1000 + nanos / 1e6;
    expect(ms).toBeGreaterThan(before - 2000 - 1000);
    expect(ms).toBeLessThanOrEqual(Date.now() - 2000 + 1000);
  });

  it('answers 500 when emitting fails, so the tracker resends; what got through the first time is then a duplicate', async () => {
    const emitted: string[] = [];
    let failNext = true;
    server = await startIngestServer(framework, {
      emit: (e) => {
        if (e.event.event === 'flaky' && failNext) {
          failNext = false;
          throw new Error('log pipeline down');
        }
        emitted.push(e.event.id);
      },
    });
    const batch = [event(), event({ event: 'flaky' })];
    const first = await post(server.url, { batch });
    expect(first.status).toBe(500);
    expect(first.body).toMatchObject({ accepted: 1, error: '1 events could not be recorded; send the batch again' });
    const second = await post(server.url, { batch });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(emitted).toEqual([batch[0]!.id, batch[1]!.id]);
  });

  it('answers CORS preflights for allowed origins only', async () => {
    server = await startIngestServer(framework, { allowedOrigins: ['https://app.example.com'] });
    const preflight = (origin: string) =>
      fetch(`${server!.url}/v1/events`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-write-key' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-write-key');
    const other = await preflight('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('ingest endpoint behind an app-wide express.json()', () => {
  it('uses the body the parser already read', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    const app = express();
    app.use(express.json());
    app.use(expressIngest({ config: loadConfig({ TC9_INGEST_WRITE_KEYS: WRITE_KEY }), loggerProvider }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const json = await post(url, { batch: [event()] });
      const beacon = await post(url, { batch: [event()], writeKey: WRITE_KEY }, { 'content-type': 'text/plain' });
      expect([json.status, beacon.status]).toEqual([200, 200]);
      expect(exporter.getFinishedLogRecords()).toHaveLength(2);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loggerProvider.shutdown();
    }
  });
});
