/**
 * Ending the process flushes telemetry first, and the process ends as it would have without us:
 * killed by the signal when the app has no handler, with the app's own exit code when it has one,
 * with process.exitCode when it ends on its own. The batch delay is long, so only the shutdown flush
 * can have delivered the spans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { startOtlpReceiver, waitFor, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { FIXTURES, runToExit, startApp, type ChildApp } from './child-app.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let otlp: OtlpReceiver;

beforeAll(async () => {
  db = await createTestDatabase();
  otlp = await startOtlpReceiver();
});
afterAll(async () => {
  await otlp?.close();
  await db?.drop();
});

/** Requests /users/1, /users/2, ... until stopped; returns the id of the last one answered before the signal. */
async function signalDuringTraffic(app: ChildApp, signal: NodeJS.Signals): Promise<number> {
  let answered = 0;
  let stopped = false;
  const traffic = (async () => {
    for (let i = 1; !stopped; i++) {
      try {
        const res = await fetch(`${app.url}/users/${i}`);
        await res.text();
        if (res.status === 200) answered = i;
      } catch {
        return; // the server is gone
      }
    }
  })();
  await waitFor(() => answered >= 3, { what: 'a few answered requests' });
  const lastBeforeSignal = answered;
  app.process.kill(signal);
  await app.exited;
  stopped = true;
  await traffic;
  return lastBeforeSignal;
}

const serverSpanFor = (service: string, id: number) =>
  otlp.spans.find((s) => s.resource['service.name'] === service && s.kind === 'SERVER' && s.attributes['url.path'] === `/users/${id}`);

const SLOW_BATCHES = { OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_METRIC_EXPORT_INTERVAL: '600000' };

describe.each(['SIGTERM', 'SIGINT'] as const)('%s, app without a handler of its own', (signal) => {
  it('delivers the last request before dying by the signal, like the app alone', async () => {
    const env = { DATABASE_URL: db.url };
    const plain = await startApp(`${FIXTURES}express-pg/app.mjs`, { env, instrument: false });
    plain.process.kill(signal);
    const withoutUs = await plain.exited;
    expect(withoutUs).toEqual({ code: null, signal });

    const service = `shutdown-${signal}`;
    const app = await startApp(`${FIXTURES}express-pg/app.mjs`, {
      env: { ...env, ...otlp.env, ...SLOW_BATCHES, OTEL_SERVICE_NAME: service },
    });
    const last = await signalDuringTraffic(app, signal);
    // Checked right after the exit: the export request completed before the process ended.
    expect(serverSpanFor(service, last)).toBeDefined();
    expect(serverSpanFor(service, 1)).toBeDefined();
    expect(await app.exited).toEqual(withoutUs);
    expect(app.stderr()).toBe('');
  });
});

it('lets an app with its own SIGTERM handler exit with its own code, after flushing', async () => {
  const env = { DATABASE_URL: db.url, APP_SIGNAL_HANDLER: '1' };
  const plain = await startApp(`${FIXTURES}express-pg/app.mjs`, { env, instrument: false });
  plain.process.kill('SIGTERM');
  const withoutUs = await plain.exited;
  expect(withoutUs).toEqual({ code: 0, signal: null });

  const service = 'shutdown-own-handler';
  const app = await startApp(`${FIXTURES}express-pg/app.mjs`, {
    env: { ...env, ...otlp.env, ...SLOW_BATCHES, OTEL_SERVICE_NAME: service },
  });
  const last = await signalDuringTraffic(app, 'SIGTERM');
  expect(serverSpanFor(service, last)).toBeDefined();
  expect(await app.exited).toEqual(withoutUs);
});

it('flushes when the process ends on its own and keeps its exit code', async () => {
  const result = await runToExit(`${FIXTURES}short-job.mjs`, {
    env: { DATABASE_URL: db.url, JOB_EXIT_CODE: '3', ...otlp.env, ...SLOW_BATCHES, OTEL_SERVICE_NAME: 'short-job' },
  });
  expect(result).toMatchObject({ code: 3, signal: null, stderr: '' });
  const job = otlp.spans.filter((s) => s.resource['service.name'] === 'short-job');
  const run = job.find((s) => s.name === 'job.run');
  expect(run).toBeDefined();
  expect(job.some((s) => s.parentSpanId === run!.spanId && s.attributes['db.query.text'] === 'SELECT 1 AS job_done')).toBe(true);
});
