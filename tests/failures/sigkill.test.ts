/**
 * SIGKILL while the collector is down and events keep coming: the spool holds complete batches only
 * (a write cut short leaves a temp file, never a damaged batch), and the next start, with the collector
 * up, delivers exactly the events of those batches and cleans the rest up.
 */
import { readdirSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { startOtlpReceiver, waitFor, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import type { ChildApp } from '../sdk/child-app.js';
import { deadPort, FAST_EXPORT, readSpool, spoolBatchCount, startAnalyticsApp, tempDir, UNHANDLED } from './load.js';

const apps: ChildApp[] = [];
let otlp: OtlpReceiver | undefined;
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await otlp?.close();
}, 180_000);

it('keeps only complete batches through a SIGKILL and delivers exactly those at the next start', async () => {
  const spool = tempDir('tc9-failures-sigkill-');
  const env = { ...FAST_EXPORT, OTEL_BLRP_SCHEDULE_DELAY: '20', TC9_SPOOL_DIR: spool };
  const killed = await startAnalyticsApp({
    ...env,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await deadPort()}`,
    EMIT_EVERY_MS: '1',
    RUN: 'killed',
  });
  apps.push(killed);
  await waitFor(() => spoolBatchCount(spool) >= 20, { what: '20 spooled batches' });
  await killed.stop();
  expect(await killed.exited).toMatchObject({ signal: 'SIGKILL' });
  expect(killed.stderr()).not.toMatch(UNHANDLED);

  const { batches, others } = readSpool(spool);
  expect(batches.length).toBeGreaterThanOrEqual(20);
  expect(others.every((n) => n.endsWith('.tmp'))).toBe(true);
  const spooled = batches.flatMap((b) => b.eventIds);
  expect(new Set(spooled).size).toBe(spooled.length);

  otlp = await startOtlpReceiver();
  const next = await startAnalyticsApp({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, RUN: 'next' });
  apps.push(next);
  const ticks = () => otlp!.logs.filter((l) => l.eventName === 'tick' && l.attributes['tc9.prop.run'] === 'killed');
  await otlp.waitForLogs(() => ticks().length >= spooled.length, { what: `${spooled.length} spooled events` });
  await waitFor(() => readdirSync(spool).length === 0, { what: 'the spool to be emptied, temp files included' });
  const received = ticks().map((l) => String(l.attributes['tc9.event.id']));
  expect(received).toHaveLength(spooled.length);
  expect(new Set(received)).toEqual(new Set(spooled));
  expect(next.stderr()).not.toMatch(UNHANDLED);
}, 180_000);
