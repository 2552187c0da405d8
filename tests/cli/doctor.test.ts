/** `tc9-obs doctor`: one line per check, a fix under each failure, exit 1 when anything fails. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver.js';
import { closedPort, ensureBuilt, runCli, tempDataDir } from './cli.js';

const dataDir = tempDataDir();

/** The line of one check and the line after it (its fix, if any). */
function check(stdout: string, name: string): { line: string; next: string } {
  const lines = stdout.split('\n');
  const i = lines.findIndex((l) => /^\[\w+\] +(.*?) {2}/.exec(l)?.[1]?.trim() === name);
  if (i < 0) throw new Error(`no "${name}" check in:\n${stdout}`);
  return { line: lines[i]!, next: lines[i + 1] ?? '' };
}

describe('tc9-obs doctor', () => {
  let otlp: OtlpReceiver;
  let sentry: SentryReceiver;

  beforeAll(async () => {
    ensureBuilt();
    [otlp, sentry] = await Promise.all([startOtlpReceiver(), startSentryReceiver()]);
  });
  afterAll(async () => Promise.all([otlp?.close(), sentry?.close()]));

  it('reports an unreachable collector and an invalid DSN, each with a fix, and exits non-zero', async () => {
    const port = await closedPort();
    const r = await runCli(['doctor'], {
      env: { TC9_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, SENTRY_DSN: 'not-a-dsn' },
    });
    expect(r.code).toBe(1);

    const collector = check(r.stdout, 'OTLP collector');
    expect(collector.line).toMatch(/^\[fail\]/);
    expect(collector.line).toContain(`collector unreachable at http://127.0.0.1:${port}/v1/traces (connection refused)`);
    expect(collector.next).toMatch(/fix: start it with `docker compose up otel-collector` or set OTEL_EXPORTER_OTLP_ENDPOINT/);

    const dsn = check(r.stdout, 'Sentry');
    expect(dsn.line).toMatch(/^\[fail\].*SENTRY_DSN is not a valid DSN/);
    expect(dsn.next).toContain('fix:');
    expect(dsn.next).toContain('https://<key>@<host>/<projectId>');

    // The configuration check names the variable and what it accepts.
    const config = check(r.stdout, 'configuration');
    expect(config.line).toMatch(/^\[fail\].*invalid SENTRY_DSN="not-a-dsn": expected a Sentry DSN/);
    // No migrated store yet either.
    const store = check(r.stdout, 'ClickHouse store');
    expect(store.line).toMatch(/^\[fail\]/);
    expect(store.next).toContain('fix: run tc9-obs db migrate');
    expect(r.stdout).toMatch(/^4 failed, 0 warnings$/m);
    expect(r.stderr).toBe('');
  });

  it('passes every check against a live collector, a migrated store and a reachable Sentry (exit 0)', async () => {
    const migrated = await runCli(['db', 'migrate'], { env: { TC9_DATA_DIR: dataDir } });
    expect(migrated.code, migrated.stderr).toBe(0);
    const before = otlp.requests.length;

    const r = await runCli(['doctor'], {
      env: { TC9_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, SENTRY_DSN: sentry.dsn, OTEL_SERVICE_NAME: 'shop' },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const name of ['configuration', 'OTLP collector', 'ClickHouse store', 'Sentry'])
      expect(check(r.stdout, name).line).toMatch(/^\[ok\]/);
    expect(check(r.stdout, 'configuration').line).toContain('service shop');
    expect(check(r.stdout, 'ClickHouse store').line).toMatch(/schema at \d{3}_\w+/);
    expect(r.stdout).toMatch(/^all checks passed$/m);
    // It really spoke OTLP/JSON to the collector.
    expect(otlp.requests.slice(before)).toEqual([expect.objectContaining({ path: '/v1/traces', contentType: 'application/json' })]);
    expect(otlp.spans).toHaveLength(0);
  });

  it('warns, without failing, when SENTRY_DSN is unset', async () => {
    const r = await runCli(['doctor', '--json'], { env: { TC9_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
    expect(r.code, r.stdout).toBe(0);
    const results = JSON.parse(r.stdout) as Array<{ name: string; status: string; detail: string }>;
    expect(results.find((c) => c.name === 'Sentry')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('errors are not sent to Sentry'),
    });
  });

  describe('a collector that never answers', () => {
    let silent: Server;
    beforeAll(async () => {
      silent = createServer(() => {
        /* holds every request open */
      });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    });
    afterAll(async () => {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    });

    it('gives up after --timeout and says so', async () => {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const r = await runCli(['doctor', '--timeout', '300ms'], { env: { TC9_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: url } });
      expect(r.code).toBe(1);
      expect(check(r.stdout, 'OTLP collector').line).toContain(`collector unreachable at ${url}/v1/traces (timed out after 0.3 s)`);
    });
  });

  it('points at db migrate when the ClickHouse server is down', async () => {
    const r = await runCli(['doctor', '--timeout', '1s'], {
      env: { CLICKHOUSE_URL: `http://127.0.0.1:${await closedPort()}`, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url },
    });
    expect(r.code).toBe(1);
    const store = check(r.stdout, 'ClickHouse store');
    expect(store.line).toMatch(
      /^\[fail\] ClickHouse store +ClickHouse at http:\/\/127\.0\.0\.1:\d+, database otel: unreachable \(connection refused\)$/,
    );
    expect(store.line).not.toMatch(/ClickHouse unreachable at ClickHouse at/);
    expect(store.next).toContain('docker compose up clickhouse');
  });

  it('checks an empty data directory without creating a store in it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tc9-doctor-empty-'));
    try {
      const r = await runCli(['doctor', '--json'], { env: { TC9_DATA_DIR: empty, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
      const results = JSON.parse(r.stdout) as Array<{ name: string; status: string; detail: string; fix?: string }>;
      expect(results.find((c) => c.name === 'ClickHouse store')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('no store in this directory'),
        fix: expect.stringContaining('TC9_DATA_DIR'),
      });
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('rejects a bad --timeout as a usage error', async () => {
    const r = await runCli(['doctor', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--timeout <duration>' argument 'soon' is invalid");
  });
});
