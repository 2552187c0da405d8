/**
 * The ClickHouse front (tests/helpers/clickhouse-front.ts) against a real ClickHouse client: clickhouse-go v2
 * at the version the contrib clickhouse exporter pins (v2.46.0 for v0.155, which collector/builder-config.yaml pins; v2.47.0 for v0.161-v0.165), over http://, built from
 * tests/real-stack/chclient. The client's own decoding is the judge of the hello answer, of chDB's Native
 * output and of the front's errors; the rows it inserts are read back through the test store (chDB's own
 * session), so both directions are checked by a party other than the front.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { startClickHouseFront, type ClickHouseFront } from '../helpers/clickhouse-front.js';
import { goBuild } from './go-build.js';

const run = promisify(execFile);

let test: TestStore;
let front: ClickHouseFront;
let client: string;

beforeAll(async () => {
  [test, client] = await Promise.all([createTestStore(), goBuild(join(import.meta.dirname, 'chclient'), 'chclient')]);
  front = await startClickHouseFront({ store: test.store });
}, 300_000);

afterAll(async () => {
  await front?.close();
  await test?.drop();
});

interface ClientResult {
  server: string;
  version: string;
  revision: number;
  timezone: string;
  describe: Record<string, string>;
  inserted: number;
  rows: Array<{
    spanName: string;
    serviceName: string;
    timestampNanos: number;
    duration: number;
    attributes: Record<string, string>;
    eventNames: string[];
    eventTimes: number[];
    eventAttrs: Array<Record<string, string>>;
    linkTraceIds: string[];
  }>;
  count: number;
  paramAnswer: number;
}

async function runClient(compress: string): Promise<ClientResult> {
  const dsn = `${front.url.replace('http://', 'http://tc9_writer:secret@')}/${front.database}?compress=${compress}&async_insert=true&dial_timeout=10s`;
  try {
    const { stdout } = await run(client, [dsn, front.database], { timeout: 60_000 });
    return JSON.parse(stdout) as ClientResult;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `clickhouse-go client failed: ${e.stderr || e.message}\nfront requests: ${JSON.stringify(front.requests.filter((r) => r.status !== 200))}`,
    );
  }
}

describe('ClickHouse front with clickhouse-go over HTTP', () => {
  for (const compress of ['gzip', 'none']) {
    it(`connects, describes, batch-inserts exporter-shaped spans and reads them back (compress=${compress})`, async () => {
      await test.store.command('TRUNCATE TABLE otel_traces');
      const from = front.requests.length;
      const result = await runClient(compress);

      // The hello answer decoded at the client's revision; revision 0 is what makes chDB's Native decode later.
      const [version] = await test.store.query<{ v: string; tz: string }>('SELECT version() AS v, timezone() AS tz');
      // The client keeps major.minor.patch of the version string.
      expect(version!.v.startsWith(`${result.version}.`)).toBe(true);
      expect(result.timezone).toBe(version!.tz);
      expect(result.revision).toBe(0);

      expect(result.describe).toMatchObject({
        Timestamp: 'DateTime64(9)',
        SpanName: 'LowCardinality(String)',
        SpanAttributes: 'Map(LowCardinality(String), String)',
        'Events.Timestamp': 'Array(DateTime64(9))',
        'Links.Attributes': 'Array(Map(LowCardinality(String), String))',
      });

      // Read back by the client (Native from chDB) ...
      expect(result.inserted).toBe(3);
      expect(result.count).toBe(3);
      expect(result.paramAnswer).toBe(42);
      expect(result.rows.map((r) => r.spanName)).toEqual(['GET /items/0', 'GET /items/1', 'GET /items/2']);
      const first = result.rows[0]!;
      expect(first.timestampNanos).toBe(Date.UTC(2026, 11, 3, 10, 0, 0) * 1e6 + 123456789);
      expect(first.duration).toBe(1_500_000);
      expect(first.attributes).toEqual({ 'http.route': '/items/:id', 'http.response.status_code': '200' });
      expect(first.eventNames).toEqual(['exception', 'retry']);
      expect(first.eventTimes).toEqual([first.timestampNanos + 1e6, first.timestampNanos + 2e6]);
      expect(first.eventAttrs).toEqual([{ 'exception.type': 'Error' }, {}]);
      expect(first.linkTraceIds).toEqual([(100).toString(16).padStart(32, '0')]);

      // ... and by chDB directly, nanoseconds and maps intact.
      const stored = await test.store.query<Record<string, unknown>>(
        "SELECT toString(Timestamp) AS ts, ResourceAttributes AS res, Events.Name AS events, Links.Attributes AS links, StatusCode FROM otel_traces WHERE SpanName = 'GET /items/2'",
      );
      expect(stored).toEqual([
        {
          ts: '2026-12-03 10:00:02.123456789',
          res: { 'service.name': 'chclient-svc', 'host.name': 'h1' },
          events: ['exception', 'retry'],
          links: [{ link: 'yes' }],
          StatusCode: 'Ok',
        },
      ]);

      const mine = front.requests.slice(from);
      expect(mine.filter((r) => r.status !== 200)).toEqual([]);
      expect(mine.map((r) => r.query)).toEqual(
        expect.arrayContaining([
          'SELECT displayName(), version(), revision(), timezone()',
          'SELECT 1',
          expect.stringMatching(/^DESCRIBE TABLE "tc9_test_\w+"\."otel_traces"$/),
          expect.stringMatching(/^INSERT INTO "tc9_test_\w+"\."otel_traces" \(.*Events\.Timestamp.*\) FORMAT Native$/s),
        ]),
      );
      const insert = mine.find((r) => r.query.startsWith('INSERT'));
      expect(insert).toMatchObject({ status: 200, user: 'tc9_writer', rows: 3 });
      expect(insert?.encoding).toBe(compress === 'gzip' ? 'gzip' : undefined);
    });
  }

  it("refuses ClickHouse's lz4 block framing with an error naming it, which the client reports", async () => {
    const from = front.requests.length;
    await expect(runClient('lz4')).rejects.toThrow(/lz4\/zstd block compression .* not supported by the ClickHouse front/);
    expect(front.requests.slice(from).some((r) => r.status === 400 && /compress=1/.test(r.error ?? ''))).toBe(true);
  });

  it("proves the reported revision: at the client's own revision (54460) chDB's Native answers do not decode", async () => {
    // Same data, a front that reports the client's revision in the hello: the client connects (the hello is
    // built in its layout) but then reads block info chDB never wrote, so its first SELECT fails.
    const other = await startClickHouseFront({ store: test.store, helloRevision: 54460 });
    try {
      const dsn = `${other.url}/${other.database}?compress=none`;
      await expect(run(client, [dsn, other.database], { timeout: 60_000 })).rejects.toMatchObject({
        stderr: expect.stringMatching(/^ping: .*cannot ping clickhouse/),
      });
    } finally {
      await other.close();
    }
  });

  it('answers errors as ClickHouse does: status, Code: N. DB::Exception body, X-ClickHouse-Exception-Code', async () => {
    const res = await fetch(`${front.url}/?database=${front.database}`, { method: 'POST', body: 'SELECT nope FROM otel_traces' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('47');
    expect(await res.text()).toMatch(/^Code: 47\. DB::Exception: .*nope.*\(UNKNOWN_IDENTIFIER\)/);

    const missing = await fetch(`${front.url}/`, { method: 'POST', body: 'SELECT 1 FROM no_such_table' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-clickhouse-exception-code')).toBe('60');

    const ping = await fetch(`${front.url}/ping`);
    expect([ping.status, await ping.text()]).toEqual([200, 'Ok.\n']);
  });
});
