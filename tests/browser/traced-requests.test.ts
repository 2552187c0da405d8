/**
 * Browser -> backend traces: the tracker's traceparent on the app's own requests, in real Chromium,
 * against an Express app under `node --import dist/src/register.js` (the real SDK) exporting OTLP to
 * a test receiver. The server span must continue the browser's trace, and the events that follow
 * (ingested by the same app) must carry that trace id. Needs `npm run build` (dist/src).
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedLogRecord, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { EXPRESS, FIXTURES, startApp, type ChildApp } from '../sdk/child-app.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WRITE_KEY = 'pk_traced';
const SERVICE = 'traced-app';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

interface Seen {
  traceparent: string | null;
  baggage: string | null;
}

function parseTraceparent(value: string | null): { traceId: string; spanId: string } {
  const m = TRACEPARENT.exec(value ?? '');
  if (!m) throw new Error(`not a sampled W3C traceparent: ${value}`);
  return { traceId: m[1]!, spanId: m[2]! };
}

function baggageOf(value: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (value ?? '').split(',')) {
    const [k, v] = part.split('=');
    if (k && v !== undefined) out[k.trim()] = decodeURIComponent(v.trim());
  }
  return out;
}

let otlp: OtlpReceiver;
let app: ChildApp;
let trackerDir: string;
/** Another origin (a different port), not in propagateTo; its CORS would allow trace headers if sent. */
let thirdParty: Server;
let thirdPartyUrl: string;
const thirdPartyHeaders: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  trackerDir = mkdtempSync(join(tmpdir(), 'tc9-tracker-'));
  await promisify(execFile)(process.execPath, ['scripts/build-browser.mjs', '--out', trackerDir]);
  otlp = await startOtlpReceiver();
  thirdParty = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'traceparent, baggage, content-type');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    thirdPartyHeaders.push(req.headers);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ traceparent: req.headers.traceparent ?? null, baggage: req.headers.baggage ?? null }));
  });
  thirdParty.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => thirdParty.once('listening', resolve));
  // localhost, not 127.0.0.1: a different host as well as a different port.
  thirdPartyUrl = `http://localhost:${(thirdParty.address() as AddressInfo).port}`;
  app = await startApp(`${FIXTURES}browser/traced-app.mjs`, {
    env: {
      ...otlp.env,
      OTEL_SERVICE_NAME: SERVICE,
      TC9_EXPRESS: EXPRESS,
      TRACKER_DIR: trackerDir,
      WRITE_KEY,
      TC9_INGEST_WRITE_KEYS: WRITE_KEY,
      THIRD_PARTY: thirdPartyUrl,
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await otlp?.close();
  thirdParty?.closeAllConnections();
  await new Promise<void>((resolve) => (thirdParty ? thirdParty.close(() => resolve()) : resolve()));
  if (trackerDir) rmSync(trackerDir, { recursive: true, force: true });
});

const serverSpan = (route: string, traceId: string) =>
  otlp.waitForSpans(
    (spans) =>
      spans.find(
        (s) =>
          s.resource['service.name'] === SERVICE && s.kind === 'SERVER' && s.attributes['http.route'] === route && s.traceId === traceId,
      ),
    { what: `the server span of ${route} in trace ${traceId}` },
  );

const browserLog = (sessionId: string, pick: (l: ReceivedLogRecord) => boolean, what: string) =>
  otlp.waitForLogs(
    (logs) => logs.find((l) => l.attributes['session.id'] === sessionId && l.attributes['tc9.event.source'] === 'browser' && pick(l)),
    {
      what,
    },
  );

describe('traced requests from the browser tracker', () => {
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  /** Every request the browser made, with the headers it sent (as Chromium reports them). */
  let sent: Promise<{ url: string; method: string; headers: Record<string, string> }>[];

  beforeEach(async () => {
    profile = mkdtempSync(join(tmpdir(), 'tc9-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    page = await context.newPage();
    sent = [];
    page.on('request', (r) => sent.push(r.allHeaders().then((headers) => ({ url: r.url(), method: r.method(), headers }))));
  });
  afterEach(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it("continues in the server span, and the next event and a failed request's error carry the trace id", async () => {
    await page.goto(`${app.url}/page?consent=1`);
    const result = await page.evaluate(async () => {
      const t = (window as unknown as { tracker: import('../../src/browser/index.js').Tracker }).tracker;
      const seen = (await (await fetch('/api/x')).json()) as Seen;
      t.trackFeatureUsage('report.export');
      // A request that fails (500) and the error the app throws for it, uncaught.
      const failed = (await (await fetch('/api/fail')).json()) as Seen;
      setTimeout(() => {
        throw new Error('the report could not be saved');
      });
      await new Promise((r) => setTimeout(r, 50));
      // A fetch that rejects; another request starts before the app reports the error: the error still
      // links to the request it came from.
      let dropError: unknown;
      await fetch('/api/drop').catch((e: unknown) => {
        dropError = e;
      });
      const after = (await (await fetch('/api/x')).json()) as Seen;
      t.trackError(dropError, { operation: 'load' });
      await t.flush();
      return { sessionId: t.sessionId, seen, failed, after };
    });

    // The API got a traceparent and the baggage (session, and the user: consent was given).
    const sentTrace = parseTraceparent(result.seen.traceparent);
    expect(baggageOf(result.seen.baggage)).toEqual({ 'session.id': result.sessionId, 'user.id': 'user-42' });
    // Each request a trace of its own.
    const failedTrace = parseTraceparent(result.failed.traceparent);
    const afterTrace = parseTraceparent(result.after.traceparent);
    expect(new Set([sentTrace.traceId, failedTrace.traceId, afterTrace.traceId]).size).toBe(3);

    // The server span is the child of the browser's traceparent, and has the session from baggage.
    const span = await serverSpan('/api/x', sentTrace.traceId);
    expect(span.parentSpanId).toBe(sentTrace.spanId);
    expect(span.attributes['session.id']).toBe(result.sessionId);
    const failedSpan = await serverSpan('/api/fail', failedTrace.traceId);
    expect(failedSpan.parentSpanId).toBe(failedTrace.spanId);

    // The event that followed the request was ingested into that trace.
    const feature = await browserLog(result.sessionId, (l) => l.eventName === 'feature.used', 'the feature.used event');
    expect(feature.traceId).toBe(sentTrace.traceId);
    expect(feature.spanId).toBe(sentTrace.spanId);
    // The uncaught error after the failed request carries the failed request's trace.
    const uncaught = await browserLog(
      result.sessionId,
      (l) => l.eventName === 'tc9.error' && l.attributes['exception.message'] === 'the report could not be saved',
      'the uncaught error event',
    );
    expect(uncaught.traceId).toBe(failedTrace.traceId);
    // The rejected fetch's error carries its own request's trace, not the later request's.
    const dropped = await otlp.waitForSpans((spans) =>
      spans.find((s) => s.resource['service.name'] === SERVICE && s.kind === 'SERVER' && s.attributes['url.path'] === '/api/drop'),
    );
    const dropError = await browserLog(
      result.sessionId,
      (l) => l.eventName === 'tc9.error' && l.attributes['tc9.prop.operation'] === 'load',
      'the rejected fetch error event',
    );
    expect(dropError.traceId).toBe(dropped.traceId);
    expect(dropError.traceId).not.toBe(afterTrace.traceId);

    // The tracker's own posts carry no trace context, and their server spans start traces of their own.
    const requests = await Promise.all(sent);
    const posts = requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/v1/events');
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) {
      expect(post.headers.traceparent).toBeUndefined();
      expect(post.headers.baggage).toBeUndefined();
    }
    const ingestSpans = await otlp.waitForSpans((spans) =>
      spans.filter(
        (s: ReceivedSpan) => s.resource['service.name'] === SERVICE && s.kind === 'SERVER' && s.attributes['url.path'] === '/v1/events',
      ),
    );
    for (const s of ingestSpans) expect(s.parentSpanId).toBeUndefined();
  });

  it('leaves third-party origins, other paths than listed and requests with a traceparent of their own alone', async () => {
    await page.goto(`${app.url}/page?consent=1&to=api`); // propagateTo: [/^\/api\//]
    const result = await page.evaluate(async () => {
      const w = window as unknown as { thirdParty: string };
      const get = async (url: string, init?: RequestInit) => (await (await fetch(url, init)).json()) as Seen;
      const xhr = (url: string) =>
        new Promise<Seen>((resolve, reject) => {
          const r = new XMLHttpRequest();
          r.open('GET', url);
          r.onload = () => resolve(JSON.parse(r.responseText) as Seen);
          r.onerror = reject;
          r.send();
        });
      return {
        thirdParty: await get(`${w.thirdParty}/y`),
        thirdPartyXhr: await xhr(`${w.thirdParty}/y`),
        otherPath: await get('/other/y'),
        api: await get('/api/x'),
        apiXhr: await xhr('/api/x'),
        own: await get('/api/x', { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }),
      };
    });
    expect(result.thirdParty).toEqual({ traceparent: null, baggage: null });
    expect(result.thirdPartyXhr).toEqual({ traceparent: null, baggage: null });
    expect(thirdPartyHeaders.length).toBe(2);
    for (const h of thirdPartyHeaders) expect(h.traceparent).toBeUndefined();
    expect(result.otherPath).toEqual({ traceparent: null, baggage: null });
    expect(result.api.traceparent).toMatch(TRACEPARENT);
    // XMLHttpRequest too, and its server span continues the trace.
    const xhrTrace = parseTraceparent(result.apiXhr.traceparent);
    expect((await serverSpan('/api/x', xhrTrace.traceId)).parentSpanId).toBe(xhrTrace.spanId);
    expect(result.own.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('puts no user id in baggage without consent', async () => {
    await page.goto(`${app.url}/page`); // consent off; the page has called identify('user-42')
    const result = await page.evaluate(async () => {
      const t = (window as unknown as { tracker: import('../../src/browser/index.js').Tracker }).tracker;
      return { userId: t.userId, sessionId: t.sessionId, seen: (await (await fetch('/api/x')).json()) as Seen };
    });
    expect(result.userId).toBe('user-42');
    parseTraceparent(result.seen.traceparent);
    expect(baggageOf(result.seen.baggage)).toEqual({ 'session.id': result.sessionId });
  });
});
