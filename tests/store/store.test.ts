import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createStore } from '../../src/store/create-store.js';
import { ChdbStore, removeOrphans } from '../../src/store/chdb-store.js';
import { StoreError } from '../../src/store/store.js';
import { createTestStore, testDataDir, type TestStore } from '../helpers/chdb.js';

/** A localhost port nothing listens on (bound by the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('store backends', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
  });
  afterAll(async () => t?.drop());

  it('binds parameters server-side: quotes, backslashes and arrays arrive intact', async () => {
    const hostile = "x' OR 1=1 -- \\'; DROP TABLE y";
    const [row] = await t.store.query<{ v: string; a: string[]; n: number }>(
      'SELECT {v:String} AS v, {a:Array(String)} AS a, {n:UInt64} AS n',
      {
        v: hostile,
        a: ["it's", 'b\\c'],
        n: 42,
      },
    );
    expect(row).toEqual({ v: hostile, a: ["it's", 'b\\c'], n: 42 });
  });

  it('reports a failed statement with the backend and the statement', async () => {
    const err = await t.store.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/store \(chdb\).*no_such_table/s);
  });

  it('creates chDB without a server URL, in the configured database', async () => {
    const store = createStore(loadConfig({ TC9_DATA_DIR: testDataDir(), CLICKHOUSE_DATABASE: `${t.database}_factory` }).store);
    try {
      expect(store.kind).toBe('chdb');
      expect(await store.query('SELECT currentDatabase() AS db')).toEqual([{ db: `${t.database}_factory` }]);
    } finally {
      await store.command(`DROP DATABASE ${t.database}_factory SYNC`);
      await store.close();
    }
  });

  it('inserts rows through a spool file it removes, keeping column defaults and exact values', async () => {
    await t.store.command(
      'CREATE TABLE spooled (s String, n UInt8 DEFAULT 7, ts DateTime64(9), m Map(LowCardinality(String), String)) ENGINE = MergeTree ORDER BY s',
    );
    await t.store.insert('spooled', [
      { s: "it's \\ \n ok", ts: '1764598228.192000001', m: { 'a.b': 'c' } },
      { s: 'second', n: 3, ts: '1764598228.5', m: {} },
    ]);
    const rows = await t.store.query('SELECT s, n, toString(toUnixTimestamp64Nano(ts)) AS ns, m FROM spooled ORDER BY s');
    expect(rows).toEqual([
      { s: "it's \\ \n ok", n: 7, ns: '1764598228192000001', m: { 'a.b': 'c' } },
      { s: 'second', n: 3, ns: '1764598228500000000', m: {} },
    ]);
    expect(readdirSync(join(testDataDir(), 'tc9-insert-staging'))).toEqual([]);
    await expect(t.store.insert('no_such_table', [{ s: 'x' }])).rejects.toThrow(/store \(chdb\).*no_such_table/s);
    expect(readdirSync(join(testDataDir(), 'tc9-insert-staging'))).toEqual([]);
  });

  it("removes staging files left by a process that died mid-insert, not a live process's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc9-staging-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    for (const name of [`${dead}-1.jsonl`, `${process.pid}-9.jsonl`]) writeFileSync(join(dir, name), '{}');
    removeOrphans(dir);
    expect(readdirSync(dir)).toEqual([`${process.pid}-9.jsonl`]);
  });

  it('refuses a second chDB data directory while one is open, saying why', () => {
    expect(() => new ChdbStore({ dataDir: mkdtempSync(join(tmpdir(), 'tc9-other-')), database: 'x' })).toThrow(/one active data directory/);
  });

  it('uses the ClickHouse server when a URL is set, failing with a StoreError when it is unreachable', async () => {
    const store = createStore(loadConfig({ CLICKHOUSE_URL: `http://127.0.0.1:${await closedPort()}` }).store);
    expect(store.kind).toBe('clickhouse');
    await expect(store.query('SELECT 1')).rejects.toThrow(/store \(clickhouse\)/);
    await expect(store.insert('otel_logs', [{ EventName: 'x' }])).rejects.toBeInstanceOf(StoreError);
    await store.close();
  });
});
