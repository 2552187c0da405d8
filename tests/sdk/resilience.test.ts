/**
 * Nothing listening at the collector or Sentry address: the app answers every route exactly as it does
 * without telemetry, nothing unhandled shows up, and the failing export is reported once, not per batch.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { FIXTURES, EXPRESS, startApp, type ChildApp } from './child-app.js';

const ROUTES = ['/health', '/users/5', '/users/6', '/missing', '/boom'];

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const apps: ChildApp[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await db?.drop();
});

/** A port on which nothing listens (bound by the OS, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answers(app: ChildApp): Promise<string[]> {
  const out: string[] = [];
  for (const route of ROUTES) {
    const res = await fetch(app.url + route);
    out.push(`${route} ${res.status} ${res.headers.get('content-type')} ${await res.text()}`);
  }
  return out;
}

it('serves exactly as before while exports to the collector and Sentry fail', async () => {
  const env = { DATABASE_URL: db.url, TC9_EXPRESS: EXPRESS };
  const plain = await startApp(`${FIXTURES}express-pg/app.mjs`, { env, instrument: false });
  apps.push(plain);
  const expected = await answers(plain);
  expect(expected).toContain('/boom 500 application/json; charset=utf-8 {"error":"internal"}');

  const port = await deadPort();
  const observed = await startApp(`${FIXTURES}express-pg/app.mjs`, {
    env: {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      SENTRY_DSN: `http://public@127.0.0.1:${port}/1`,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      OTEL_EXPORTER_OTLP_TIMEOUT: '100',
      // info shows the exporter's own line for every failed export: the evidence that there were many.
      OTEL_LOG_LEVEL: 'info',
    },
  });
  apps.push(observed);

  // Traffic until the exporters have failed several times; every round must answer as before.
  const failedExports = () => (observed.stderr().match(/Export (retry time|failed)/g) ?? []).length;
  for (let round = 0; failedExports() < 6; round++) {
    expect(await answers(observed)).toEqual(expected);
    if (round > 300) throw new Error(`exports did not fail as expected; stderr:\n${observed.stderr()}`);
  }
  expect(await answers(observed)).toEqual(expected);

  const stderr = observed.stderr();
  expect(stderr.match(/tc9-observability: traces export to .* failed: .*ECONNREFUSED/g)).toHaveLength(1);
  expect(stderr.match(/tc9-observability: metrics export to .* failed/g)).toHaveLength(1);
  expect(stderr).not.toMatch(/unhandled|uncaught/i);
  expect(observed.process.exitCode).toBeNull();
});
