/**
 * The demo report's render functions on fixed data (src/demo/report): formatting (no "-0.0%"), colours with a
 * meaning, an outlier that does not squash the other bars, time ticks, trace ids on error groups, and, in
 * headless Chromium at 1400 and 390 px, no clipped or overlapping text and no horizontal scrolling of the page.
 * The same layout checks run on the real demo's report in demo.test.ts (reportLayoutProblems).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/demo/report/data.js';
import { renderReport } from '../../src/demo/report/html.js';
import { sentryTraceUrl } from '../../src/demo/settings.js';
import { barScale, COLOR, compact, percent, timeTicks } from '../../src/demo/report/svg.js';
import { CHROMIUM_OPTIONS, reportLayoutProblems } from './report-layout.js';

const T0 = Date.parse('2026-12-03T21:38:45Z');
const TRACE = '1666242052c4d8b902b9088c4763722e';

const DATA: ReportData = {
  from: new Date(T0 - 1000),
  to: new Date(T0 + 46_000),
  service: 'migration-service',
  intervalMs: 1000,
  routes: [
    { route: '/v1/events', method: 'POST', requests: 956, perSecond: 20.4, errors: 0, p95Ms: 4.23 },
    { route: '/organisations/:id/connect', method: 'POST', requests: 248, perSecond: 5.29, errors: 0, p95Ms: 36.8 },
    { route: '/projects', method: 'POST', requests: 112, perSecond: 2.39, errors: 0, p95Ms: 89.2 },
    { route: '/runs/:id/results', method: 'GET', requests: 71, perSecond: 1.51, errors: 0, p95Ms: 65.5 },
    { route: '/projects/:id/runs', method: 'POST', requests: 88, perSecond: 1.88, errors: 0, p95Ms: 63.4 },
    { route: '/debug/error', method: 'GET', requests: 4, perSecond: 0.09, errors: 4, p95Ms: 4.09 },
    { route: '/debug/slow', method: 'GET', requests: 3, perSecond: 0.06, errors: 0, p95Ms: 1_700 },
  ],
  overTime: Array.from({ length: 45 }, (_, i) => ({
    t: T0 + i * 1000,
    requestsPerSecond: 40 + (i % 7) * 5,
    p95Ms: 60 + (i % 5) * 10,
    errorRate: 0,
  })),
  phases: [
    { phase: 'load', executions: 84, failed: 3, recordsProcessed: 140_000, recordsPerSecond: 4_800, p95Ms: 900 },
    { phase: 'extract', executions: 88, failed: 0, recordsProcessed: 150_000, recordsPerSecond: 5_600, p95Ms: 700 },
    { phase: 'transform', executions: 90, failed: 0, recordsProcessed: 150_000, recordsPerSecond: 20_000, p95Ms: 50 },
  ],
  templates: [{ template: 'contacts', runs: 33, succeeded: 30, failed: 3, successRate: 30 / 33 }],
  funnel: [
    { label: 'Signed in', event: 'user.login', users: 23, conversion: 1, dropOffRate: 0 },
    { label: 'Connected an organisation', event: 'organisation.connected', users: 23, conversion: 1, dropOffRate: -0 },
    { label: 'Created a migration', event: 'migration.created', users: 19, conversion: 19 / 23, dropOffRate: 4 / 23 },
    { label: 'Ran it', event: 'migration.executed', users: 17, conversion: 17 / 23, dropOffRate: 2 / 19 },
  ],
  errorsByCategory: [
    { category: 'server', occurrences: 8 },
    { category: 'client', occurrences: 7 },
    { category: 'validation', occurrences: 6 },
    { category: 'external_service', occurrences: 3 },
  ],
  errorGroups: [
    {
      type: 'HttpError',
      message: 'run 08bb82bf-517a-48a5-9056-c7a26af1eaeb not found',
      category: 'client',
      occurrences: 7,
      traceId: TRACE,
    },
    {
      type: 'SalesforceApiError',
      message: 'Salesforce upsert failed: SERVER_UNAVAILABLE (503)',
      category: 'external_service',
      occurrences: 3,
      traceId: '',
    },
  ],
  dau: [{ day: '2026-12-03', users: 23 }],
  experiment: [
    { variant: 'checklist', users: 12, converted: 11, rate: 11 / 12 },
    { variant: 'control', users: 11, converted: 8, rate: 8 / 11 },
  ],
};
const SUMMARY = { title: 'report test', facts: [['users', '23']] as [string, string][] };

describe('report formatting and scales', () => {
  it('never writes a negative zero', () => {
    expect(percent(0)).toBe('0.0%');
    expect(percent(-0)).toBe('0.0%');
    expect(percent(-0.00001)).toBe('0.0%');
    expect(percent(0.25)).toBe('25.0%');
    expect(percent(-0.25)).toBe('-25.0%');
    expect(compact(-0.0001)).toBe('0.00');
    expect(compact(-0)).toBe('0');
    const html = renderReport(DATA, SUMMARY);
    expect(html).not.toMatch(/[-−]0(\.0+)?%/);
  });

  it('cuts the axis before an outlier far beyond the other bars, and not otherwise', () => {
    expect(barScale([1700, 89, 66, 36, 4])).toEqual({ max: 89 * 1.15, cut: 1 });
    expect(barScale([938, 718, 89, 66, 65, 63, 36, 6, 4, 4, 1])).toEqual({ max: 89 * 1.15, cut: 2 });
    expect(barScale([100, 80, 60, 5])).toEqual({ max: 100, cut: 0 });
    const html = renderReport(DATA, SUMMARY);
    const latency = /<svg[^>]*data-chart="latency".*?<\/svg>(<p class="chart-note">.*?<\/p>)?/s.exec(html)![0];
    expect(latency.match(/class="mark cut"/g)).toHaveLength(1);
    expect(latency).toContain('1.7k ms (off scale)');
    expect(latency).toMatch(/chart-note">Scale 0 to 103: one bar is beyond it/);
  });

  it('puts several evenly spaced, round time ticks on a time axis', () => {
    const { ticks, stepMs } = timeTicks(T0 + 300, T0 + 44_300);
    expect(stepMs).toBe(10_000);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    for (const t of ticks) expect(t % stepMs).toBe(0);
    expect(timeTicks(T0, T0 + 8_000).ticks.length).toBeGreaterThan(2);
    expect(timeTicks(T0, T0 + 3_600_000).stepMs).toBe(900_000);
  });

  it('draws no phase in the failure colour; red only for the service’s failures', () => {
    const html = renderReport(DATA, SUMMARY);
    const phases = /<svg[^>]*data-chart="migration-throughput".*?<\/svg>/s.exec(html)![0];
    expect(phases).not.toContain(COLOR.failure);
    const errors = /<svg[^>]*data-chart="errors".*?<\/svg>/s.exec(html)![0];
    expect(errors.match(new RegExp(`class="mark" [^>]*fill="${COLOR.failure}"`, 'g'))).toHaveLength(2);
  });

  it('shows each error group’s sample trace id, linked to Sentry’s trace view when configured', () => {
    const plain = renderReport(DATA, SUMMARY);
    expect(plain).toContain(`<code class="trace-id">${TRACE}</code>`);
    expect(plain).not.toContain('href=');
    const base = 'https://sentry.io/organizations/acme/explore/traces/trace';
    const linked = renderReport(DATA, SUMMARY, { sentryTraceUrl: `${base}/` });
    expect(linked).toContain(`<a class="trace-id" href="${base}/${TRACE}/"`);
    expect(sentryTraceUrl({ SENTRY_DSN: 'https://k@o1.ingest.sentry.io/1', SENTRY_ORG: 'acme', SENTRY_PROJECT: 'svc' })).toBe(base);
    expect(sentryTraceUrl({ SENTRY_DSN: 'https://k@s.example.com/1', SENTRY_ORG: 'acme', SENTRY_URL: 'https://s.example.com/' })).toBe(
      'https://s.example.com/organizations/acme/explore/traces/trace',
    );
    expect(
      sentryTraceUrl({ SENTRY_DSN: 'https://k@o1.ingest.sentry.io/1', SENTRY_TRACE_URL: 'https://acme.sentry.io/explore/traces/trace/' }),
    ).toBe('https://acme.sentry.io/explore/traces/trace');
    // No DSN: the traces are not in Sentry, so nothing to link to.
    expect(sentryTraceUrl({ SENTRY_ORG: 'acme' })).toBeUndefined();
    expect(sentryTraceUrl({ SENTRY_DSN: 'https://k@o1.ingest.sentry.io/1' })).toBeUndefined();
  });
});

describe('the report in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tc9-report-'));
    const path = join(dir, 'report.html');
    writeFileSync(path, renderReport(DATA, SUMMARY));
    url = pathToFileURL(path).href;
    browser = await chromium.launch(CHROMIUM_OPTIONS);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const width of [1400, 390]) {
    it(`at ${width} px: the page does not scroll sideways, no text is clipped or overlaps, time axes have ticks`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      try {
        await page.goto(url);
        const layout = await reportLayoutProblems(page);
        expect(layout.scrollWidth).toBeLessThanOrEqual(width);
        expect(layout.problems).toEqual([]);
        expect(layout.tickLabels['traffic-rate']!.length).toBeGreaterThan(2);
        expect(layout.tickLabels['traffic-p95']!.length).toBeGreaterThan(2);
        expect(await page.textContent('#traffic .caption')).toContain('per 1 s interval');
      } finally {
        await page.close();
      }
    });
  }
});
