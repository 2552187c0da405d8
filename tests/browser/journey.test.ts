/**
 * The tracker in a real browser (Debian's headless Chromium through playwright-core) against the real
 * ingest endpoint, with events landing in the embedded ClickHouse store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTR, EVENT } from '../../src/semconv.js';
import { startJourneyServer, type JourneyServer, type LogRowSeen } from './journey-server.js';

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

/** Polls until `check` passes (the beacon is delivered after the page is gone). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

const browserEvents = (rows: LogRowSeen[]) => rows.filter((r) => r.LogAttributes[ATTR.eventSource] === 'browser');
const names = (rows: LogRowSeen[]) => rows.map((r) => r.EventName);

describe('browser tracker in Chromium', () => {
  let server: JourneyServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    server = await startJourneyServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  beforeEach(async () => {
    profile = mkdtempSync(join(tmpdir(), 'tc9-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    page = await context.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
    server.ingestRequests.length = 0;
  });
  afterEach(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  const status = (text: string) => page.waitForFunction((t) => document.getElementById('status')?.textContent?.startsWith(t), text);

  it('records a journey: page views, feature, custom event, error and web vitals join the server-side step in one session', async () => {
    await page.goto(`${server.url}/app/`);
    const sessionId = (await page.textContent('#session'))!;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    // LCP is final at the first input, and reported only if the browser has measured a paint by then: on a
    // loaded machine the first click can come before it has. Wait for the entry, as a person's first click would.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          new PerformanceObserver((list) => list.getEntries().length > 0 && resolve()).observe({
            type: 'largest-contentful-paint',
            buffered: true,
          });
        }),
    );

    await page.click('#to-migrations');
    await page.click('#create');
    await status('created 201');
    await page.click('#flush');
    await status('flushed');
    await page.click('#break');
    await page.waitForFunction(() => (window as unknown as { tracker: { stats(): { queued: number } } }).tracker.stats().queued > 0);
    // Leaving the page hides it: what is queued (the error, the vitals finalised on hide) goes by sendBeacon.
    await page.goto(`${server.url}/goodbye.html`);

    const rows = await eventually(
      () => server.sessionLogs(sessionId),
      (r) => names(r).includes(EVENT.error) && r.some((x) => x.LogAttributes[ATTR.metricName] === 'CLS'),
    );
    const browser = browserEvents(rows);
    expect(names(browser)).toEqual(
      expect.arrayContaining([
        EVENT.sessionStart,
        EVENT.pageView,
        EVENT.featureUsed,
        'migration.form_submitted',
        EVENT.error,
        EVENT.performance,
      ]),
    );
    expect(browser.filter((r) => r.EventName === EVENT.sessionStart)).toHaveLength(1);
    expect(browser.filter((r) => r.EventName === EVENT.pageView).map((r) => r.LogAttributes[ATTR.urlPath])).toEqual([
      '/app/',
      '/app/migrations',
    ]);
    for (const row of browser) {
      expect(row.LogAttributes).toMatchObject({
        [ATTR.browserName]: 'Chrome Headless',
        [ATTR.osName]: 'Linux',
        [ATTR.deviceType]: 'desktop',
        [ATTR.sessionId]: sessionId,
      });
      expect(row.LogAttributes[ATTR.userAgent]).toContain('HeadlessChrome');
      expect(row.LogAttributes[ATTR.clientAddress]).toBe('127.0.0.0');
    }
    expect(browser.find((r) => r.EventName === EVENT.featureUsed)!.LogAttributes).toMatchObject({
      [ATTR.featureName]: 'migration.wizard',
      [`${ATTR.propPrefix}step`]: 'submit',
    });
    expect(browser.find((r) => r.EventName === EVENT.error)!.LogAttributes).toMatchObject({
      [ATTR.exceptionType]: 'TypeError',
      [ATTR.exceptionMessage]: 'wizard exploded',
      [ATTR.urlPath]: '/app/migrations',
      [`${ATTR.propPrefix}handled`]: 'false',
    });
    const vitals = browser.filter((r) => r.EventName === EVENT.performance).map((r) => r.LogAttributes[ATTR.metricName]);
    expect(vitals).toEqual(expect.arrayContaining(['TTFB', 'FCP', 'LCP', 'CLS']));

    // The server-side step carries the session id the tracker exposed (x-session-id on the app's call).
    const serverSteps = rows.filter((r) => r.LogAttributes[ATTR.eventSource] === 'server');
    expect(names(serverSteps)).toEqual([EVENT.migrationCreated]);

    // The store's views join both sides of the journey.
    const activities = await server.query<{ action: string; source: string; browser: string }>(
      'SELECT action, source, browser FROM user_activities WHERE session_id = {sid:String} ORDER BY created_at',
      { sid: sessionId },
    );
    expect(activities.map((a) => `${a.source}:${a.action}`)).toEqual(
      expect.arrayContaining(['browser:page.view', 'browser:feature.used', 'browser:migration.form_submitted', 'server:migration.created']),
    );

    // flush() went by fetch with the write key and session headers; the page hide by beacon (no headers, text/plain).
    const fetched = server.ingestRequests.find((r) => r.writeKeyHeader);
    expect(fetched).toMatchObject({ sessionHeader: sessionId, status: 200 });
    const beacons = server.ingestRequests.filter((r) => !r.writeKeyHeader);
    expect(beacons.length).toBeGreaterThan(0);
    for (const b of beacons) expect(b).toMatchObject({ contentType: expect.stringMatching(/^text\/plain/i), status: 200 });
  });

  it('sends and stores nothing without consent, and starts with the current page once consent is given', async () => {
    const start = Date.now();
    await page.goto(`${server.url}/app/?consent=0`);
    await page.click('#to-migrations');
    await page.click('#create');
    await status('created 201');
    await page.click('#flush');
    await status('flushed');
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    await page.goto(`${server.url}/goodbye.html`);
    await page.goto(`${server.url}/app/?consent=0`);
    const beforeConsent = Date.now();
    expect(server.ingestRequests.filter((r) => r.at >= start)).toEqual([]);

    await page.click('#consent');
    await status('consent true');
    const sessionId = await page.evaluate(() => (window as unknown as { tracker: { sessionId: string } }).tracker.sessionId);
    expect(await page.evaluate(() => Object.keys(localStorage))).toContain('tc9.session');
    await page.click('#flush');
    await status('flushed');

    const rows = await eventually(
      () => server.sessionLogs(sessionId),
      (r) => names(r).includes(EVENT.pageView),
    );
    // Web vitals finalised after consent (LCP on the click) may come along; analytics events are exactly these.
    expect(names(browserEvents(rows)).filter((n) => n !== EVENT.performance)).toEqual([EVENT.sessionStart, EVENT.pageView]);
    expect(server.ingestRequests.filter((r) => r.at >= beforeConsent && r.writeKeyHeader)).toHaveLength(1);
  });

  it('retries a batch the endpoint failed, after the backoff, and stores it once', async () => {
    server.failIngest(1);
    await page.goto(`${server.url}/app/`);
    const sessionId = (await page.textContent('#session'))!;
    await page.click('#create');
    await status('created 201');
    await page.click('#flush');
    await status('flushed');

    const rows = await eventually(
      () => server.sessionLogs(sessionId),
      (r) => names(r).includes('migration.form_submitted'),
    );
    expect(server.ingestRequests.filter((r) => r.writeKeyHeader).map((r) => r.status)).toEqual([503, 200]);
    const ids = browserEvents(rows).map((r) => r.LogAttributes[ATTR.eventId]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(names(browserEvents(rows))).toEqual(
      expect.arrayContaining([EVENT.sessionStart, EVENT.pageView, EVENT.featureUsed, 'migration.form_submitted']),
    );
  });
});
