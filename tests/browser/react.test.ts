/**
 * The React bindings: server rendering without a browser, and a real React app in Chromium whose
 * hook calls and error boundary reach the store through the ingest endpoint.
 */
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracker } from '../../src/browser/index.js';
import { AnalyticsProvider, ErrorBoundary, useAnalytics } from '../../src/react/index.js';
import { ATTR, EVENT } from '../../src/semconv.js';
import { startJourneyServer, type JourneyServer } from './journey-server.js';

/** A component using the hook; it notes the session id the hook gave it in `seen`. */
function Probe({ seen }: { seen: string[] }) {
  const analytics = useAnalytics();
  seen.push(analytics.sessionId ?? 'no session');
  analytics.trackFeatureUsage('ssr.probe'); // outside a browser: does nothing, throws nothing
  return h('span', null, 'ok');
}

describe('React bindings', () => {
  it('render on the server: the hook works inside and outside a provider, the boundary renders its children', () => {
    const seen: string[] = [];
    const tracker = createTracker({ endpoint: 'http://127.0.0.1:9/v1/events', writeKey: 'pk', consent: false });
    const html = renderToString(h(AnalyticsProvider, { tracker }, h(ErrorBoundary, { name: 'Root' }, h(Probe, { seen }))));
    expect(html).toBe('<span>ok</span>');
    expect(renderToString(h(Probe, { seen }))).toBe('<span>ok</span>');
    expect(seen).toEqual([tracker.sessionId, 'no session']);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, rejected: 0, dropped: 0 });
  });

  describe('in Chromium', () => {
    let server: JourneyServer;
    beforeAll(async () => {
      server = await startJourneyServer();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('records hook calls and what the error boundary caught', async () => {
      const profile = mkdtempSync(join(tmpdir(), 'tc9-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await context.newPage();
        await page.goto(`${server.url}/react`);
        const sessionId = (await page.textContent('#session'))!;
        await page.click('#export');
        await page.click('#bomb');
        await page.waitForSelector('#fallback');
        await page.click('#flush');
        await page.waitForSelector('#flush:text("flushed")');

        const rows = await server.sessionLogs(sessionId);
        const byName = (name: string) => rows.filter((r) => r.EventName === name);
        expect(byName(EVENT.featureUsed)[0]!.LogAttributes).toMatchObject({
          [ATTR.featureName]: 'report.export',
          [`${ATTR.propPrefix}format`]: 'csv',
        });
        expect(byName('report.exported')[0]!.LogAttributes).toMatchObject({ [`${ATTR.propPrefix}rows`]: '10' });
        const timer = byName(EVENT.performance).find((r) => r.LogAttributes[ATTR.metricType] === 'timer');
        expect(timer!.LogAttributes).toMatchObject({ [ATTR.metricName]: 'report.export', [`${ATTR.propPrefix}unit`]: 'ms' });
        expect(Number(timer!.LogAttributes[ATTR.durationMs])).toBeGreaterThanOrEqual(0);
        const errors = byName(EVENT.error);
        expect(errors).toHaveLength(1); // the boundary's report only: a caught render error reaches no window handler
        expect(errors[0]!.LogAttributes).toMatchObject({
          [ATTR.exceptionType]: 'RangeError',
          [ATTR.exceptionMessage]: 'chart exploded',
          [`${ATTR.propPrefix}mechanism`]: 'react.error_boundary',
          [`${ATTR.propPrefix}component`]: 'Chart',
        });
        expect(errors[0]!.LogAttributes[`${ATTR.propPrefix}componentStack`]).toContain('Chart');
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    });
  });
});
