/**
 * Startup through --import: an invalid value stops the app with one clear line naming the variable and
 * exit code 1; OTEL_SDK_DISABLED=true starts nothing; 'none' still instruments but exports nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { FIXTURES, runToExit } from './child-app.js';

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

it.each([
  ['OTEL_TRACES_SAMPLER', 'sometimes'],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'notaurl'],
  ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'http,nosuchlib'],
])('%s=%s stops startup with one clear error and exit code 1', async (variable, value) => {
  const result = await runToExit(`${FIXTURES}short-job.mjs`, { env: { DATABASE_URL: db.url, [variable]: value } });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^tc9-observability: invalid ${variable}=`));
  expect(lines[0]).toContain(value);
});

it('starts nothing with OTEL_SDK_DISABLED=true, and the app runs as usual', async () => {
  const result = await runToExit(`${FIXTURES}short-job.mjs`, {
    env: { DATABASE_URL: db.url, JOB_EXIT_CODE: '0', OTEL_SDK_DISABLED: 'true', OTEL_SERVICE_NAME: 'disabled-job', ...otlp.env },
  });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  // A job that did export (same receiver) proves the receiver would have seen this one.
  const enabled = await runToExit(`${FIXTURES}short-job.mjs`, {
    env: { DATABASE_URL: db.url, OTEL_SERVICE_NAME: 'enabled-job', ...otlp.env },
  });
  expect(enabled.code).toBe(0);
  expect(otlp.spans.some((s) => s.resource['service.name'] === 'enabled-job')).toBe(true);
  expect(otlp.spans.some((s) => s.resource['service.name'] === 'disabled-job')).toBe(false);
  expect(otlp.metrics.some((m) => m.resource['service.name'] === 'disabled-job')).toBe(false);
});

it('exports nothing with TC9_EXPORTER=none, and the app runs as usual', async () => {
  const result = await runToExit(`${FIXTURES}short-job.mjs`, {
    env: { DATABASE_URL: db.url, TC9_EXPORTER: 'none', OTEL_SERVICE_NAME: 'none-job', ...otlp.env },
  });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(otlp.requests.length).toBeGreaterThan(0); // the enabled job above did reach it
  expect(otlp.spans.some((s) => s.resource['service.name'] === 'none-job')).toBe(false);
});
