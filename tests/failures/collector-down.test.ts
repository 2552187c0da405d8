/**
 * The collector is down for a whole load run: the app answers every request as it should, nothing
 * unhandled happens, memory stays bounded, and the analytics events are kept in the disk spool. When the
 * collector comes up on that address, every event arrives, exactly once. With a tiny spool the newest
 * batches are dropped, counted (diag and tc9.spool.dropped) and the kept ones still arrive.
 */
import { afterAll, expect, it } from 'vitest';
import { startOtlpReceiver, waitFor, type OtlpReceiver, type ReceivedLogRecord } from '../helpers/otlp-receiver.js';
import type { ChildApp } from '../sdk/child-app.js';
import { deadPort, FAST_EXPORT, hammer, rss, spoolBatchCount, startAnalyticsApp, tempDir, UNHANDLED } from './load.js';

const apps: ChildApp[] = [];
const receivers: OtlpReceiver[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await Promise.all(receivers.map((r) => r.close()));
}, 180_000);

const orders = (logs: ReceivedLogRecord[], run: string) =>
  logs
    .filter((l) => l.eventName === 'order.placed' && l.attributes['tc9.prop.run'] === run)
    .map((l) => String(l.attributes['tc9.event.id']));

it('serves a load run with the collector down, in bounded memory, and delivers every event once the collector is up', async () => {
  const port = await deadPort();
  const spool = tempDir('tc9-failures-spool-');
  const app = await startAnalyticsApp({
    ...FAST_EXPORT,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    TC9_SPOOL_DIR: spool,
    RUN: 'load',
  });
  apps.push(app);

  const paths = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `/order?n=${from + i}`);
  const warmUp = await hammer(app.url, paths(0, 300));
  const baseline = await rss(app);
  const load = await hammer(app.url, paths(300, 3300));

  const answers = [...warmUp, ...load];
  expect(
    answers.filter((a) => a.status !== 200 || a.body.n !== Number(a.path.split('=')[1]) || typeof a.body.eventId !== 'string'),
  ).toEqual([]);
  expect(await rss(app)).toBeLessThan(baseline + 64 * 1024 * 1024);
  await waitFor(() => spoolBatchCount(spool) > 0, { what: 'batches in the spool' });

  const otlp = await startOtlpReceiver({ port });
  receivers.push(otlp);
  const sent = answers.map((a) => String(a.body.eventId));
  await otlp.waitForLogs((logs) => orders(logs, 'load').length >= sent.length, { timeoutMs: 60_000, what: `${sent.length} order events` });
  await waitFor(() => spoolBatchCount(spool) === 0, { what: 'an empty spool' });
  const received = orders(otlp.logs, 'load');
  expect(received).toHaveLength(sent.length);
  expect(new Set(received)).toEqual(new Set(sent));

  // Still answering, still exporting, nothing unhandled.
  expect((await hammer(app.url, ['/order?n=9999']))[0]).toMatchObject({ status: 200, body: { n: 9999 } });
  const stderr = app.stderr();
  expect(stderr).toMatch(/tc9-observability: logs export to .* failed: .*ECONNREFUSED.*log records are kept in/);
  expect(stderr).not.toMatch(UNHANDLED);
  expect(app.process.exitCode).toBeNull();
}, 180_000);

it('drops the newest batches of a full spool, reports the count (diag and tc9.spool.dropped), and delivers the kept ones after a restart', async () => {
  const logsPort = await deadPort();
  const spool = tempDir('tc9-failures-spool-');
  const otlp = await startOtlpReceiver();
  receivers.push(otlp);
  const env = { ...FAST_EXPORT, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, TC9_SPOOL_DIR: spool, TC9_SPOOL_MAX_BYTES: '48KiB' };
  // Only the logs endpoint is down: metrics (with tc9.spool.dropped) still get through.
  const first = await startAnalyticsApp({ ...env, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `http://127.0.0.1:${logsPort}/v1/logs`, RUN: 'first' });
  apps.push(first);

  // One at a time, so the events are emitted, batched and spooled in request order.
  const answers = await hammer(
    first.url,
    Array.from({ length: 600 }, (_, i) => `/order?n=${i}`),
    1,
  );
  expect(answers.every((a) => a.status === 200)).toBe(true);
  await waitFor(() => /log spool .* log records dropped \(\d+ full; \d+ in total\)/.test(first.stderr()), { what: 'the drop report' });

  first.process.kill('SIGTERM');
  await first.exited;
  const stderr = first.stderr();
  const total = Number(/(\d+) log records dropped in total by this process/.exec(stderr)?.[1]);
  expect(total).toBeGreaterThan(0);
  expect(total).toBeLessThan(600);
  expect(stderr).toMatch(/log batches stay in the spool .*the next start sends them/);
  expect(stderr).not.toMatch(UNHANDLED);
  const droppedMetric = otlp.metrics.filter((m) => m.name === 'tc9.spool.dropped');
  expect(droppedMetric[0]).toMatchObject({ type: 'sum', unit: '{log_record}' });
  expect(droppedMetric.flatMap((m) => m.points).reduce((sum, p) => sum + (p.value ?? 0), 0)).toBe(total);

  // The next start replays the spool to the (now reachable) collector: exactly the oldest events.
  const second = await startAnalyticsApp({ ...env, RUN: 'second' });
  apps.push(second);
  const sent = answers.map((a) => String(a.body.eventId));
  const kept = sent.slice(0, sent.length - total);
  await otlp.waitForLogs((logs) => orders(logs, 'first').length >= kept.length, { what: `${kept.length} spooled events` });
  await waitFor(() => spoolBatchCount(spool) === 0, { what: 'an empty spool' });
  expect(orders(otlp.logs, 'first').sort()).toEqual([...kept].sort());
}, 180_000);
