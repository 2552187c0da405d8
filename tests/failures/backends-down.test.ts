/**
 * Direct mode (TC9_EXPORTER=store) with the ClickHouse server unreachable, and Sentry unreachable: the
 * app answers every request as it should, nothing unhandled happens, and the lost exports are reported
 * once per interval (one line per table), not once per batch or span.
 */
import { afterAll, expect, it } from 'vitest';
import type { ChildApp } from '../sdk/child-app.js';
import { deadPort, FAST_EXPORT, hammer, rss, startAnalyticsApp, UNHANDLED } from './load.js';

const apps: ChildApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
}, 180_000);

it('serves a load run while ClickHouse and Sentry are unreachable, reporting each failing export once', async () => {
  const port = await deadPort();
  const app = await startAnalyticsApp({
    ...FAST_EXPORT,
    TC9_EXPORTER: 'store',
    CLICKHOUSE_URL: `http://127.0.0.1:${port}`,
    SENTRY_DSN: `http://public@127.0.0.1:${port}/1`,
    RUN: 'store-down',
  });
  apps.push(app);

  // Every fifth request fails on purpose (captureError: a Sentry event and an error event for the store).
  const paths = Array.from({ length: 2000 }, (_, i) => (i % 5 === 4 ? `/fail?n=${i}` : `/order?n=${i}`));
  const warmUp = await hammer(app.url, paths.slice(0, 200));
  const baseline = await rss(app);
  const answers = [...warmUp, ...(await hammer(app.url, paths.slice(200)))];
  const wrong = answers.filter((a, i) =>
    i % 5 === 4
      ? a.status !== 500 || a.body.error !== 'payment failed' || a.body.n !== i
      : a.status !== 200 || a.body.n !== i || typeof a.body.eventId !== 'string',
  );
  expect(wrong).toEqual([]);
  expect(await rss(app)).toBeLessThan(baseline + 64 * 1024 * 1024);

  // The run spans many flushes of the store's writer (one a second), each failing for every table.
  const stderr = app.stderr();
  for (const table of ['otel_traces', 'otel_logs', 'otel_metrics_sum', 'otel_metrics_histogram']) {
    const reports = stderr.match(new RegExp(`tc9-observability: insert into ${table} \\(clickhouse store\\) failed: .*ECONNREFUSED`, 'g'));
    expect(reports, table).toHaveLength(1);
  }
  expect(stderr.match(/tc9-observability: /g)).toHaveLength(
    stderr.match(/tc9-observability: insert into otel_\w+ \(clickhouse store\) failed/g)!.length,
  );
  expect(stderr).not.toMatch(UNHANDLED);
  expect(app.process.exitCode).toBeNull();
}, 180_000);
