import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { BatchWriter } from '../../src/store/writer.js';

describe('BatchWriter on chDB', () => {
  let t: TestStore;
  const count = async (table: string) => (await t.store.query<{ n: number }>(`SELECT count() AS n FROM ${table}`))[0]?.n;

  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f'])
      await t.store.command(`CREATE TABLE ${name} (x UInt32, s String) ENGINE = MergeTree ORDER BY x`);
    await t.store.command(
      'CREATE TABLE shared_cols (x UInt32, service LowCardinality(String), attrs Map(LowCardinality(String), String), tags Map(LowCardinality(String), String), n UInt8) ENGINE = MergeTree ORDER BY x',
    );
  });
  afterAll(async () => t?.drop());

  it('flushes a table as soon as it holds maxRows', async () => {
    const writer = new BatchWriter(t.store, { maxRows: 3, flushIntervalMs: 3_600_000 });
    expect(
      writer.write('a', [
        { x: 1, s: '' },
        { x: 2, s: '' },
      ]),
    ).toBe(true);
    expect(writer.stats().bufferedRows).toBe(2);
    writer.write('a', [{ x: 3, s: '' }]);
    await vi.waitFor(async () => expect(await count('a')).toBe(3));
    await writer.close();
  });

  it('drops and counts rows past the memory bound instead of growing', async () => {
    const writer = new BatchWriter(t.store, { maxBytes: 500, flushIntervalMs: 3_600_000 });
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 50; i++) {
      if (writer.write('b', [{ x: i, s: 'y'.repeat(20) }])) accepted++;
      else refused++;
    }
    expect(refused).toBeGreaterThan(0);
    expect(writer.stats().dropped).toBe(refused);
    expect(writer.stats().bufferedBytes).toBeLessThanOrEqual(500);
    await writer.flush();
    expect(await count('b')).toBe(accepted);
    expect(writer.stats()).toMatchObject({ written: accepted, bufferedBytes: 0 });
    // Room again once flushed.
    expect(writer.write('b', [{ x: 99, s: '' }])).toBe(true);
    await writer.close();
  });

  it('counts a failed insert and keeps writing other batches', async () => {
    const errors: string[] = [];
    const writer = new BatchWriter(t.store, { flushIntervalMs: 3_600_000, onError: (_e, table, rows) => errors.push(`${table}:${rows}`) });
    writer.write('no_such_table', [{ x: 1 }, { x: 2 }]);
    writer.write('c', [{ x: 1, s: 'ok' }]);
    await writer.flush();
    expect(errors).toEqual(['no_such_table:2']);
    expect(writer.stats()).toMatchObject({ failed: 2, written: 1 });
    expect(await count('c')).toBe(1);
    await writer.close();
  });

  // One value the engine refuses (here a lone surrogate, which chDB rejects as CANNOT_PARSE_ESCAPE_SEQUENCE) used
  // to lose every row of its insert, other users' events included.
  it('a row the engine refuses loses only itself: the rest of its batch is inserted and the bad rows counted', async () => {
    const errors: Array<{ table: string; rows: number; message: string }> = [];
    const writer = new BatchWriter(t.store, {
      flushIntervalMs: 3_600_000,
      onError: (e, table, rows) => errors.push({ table, rows, message: String(e) }),
    });
    const rows = Array.from({ length: 1000 }, (_, i) => ({ x: i, s: `row ${i}` }));
    rows[17].s = 'half a pair \ud83d';
    rows[640].s = 'another \udbff cut';
    expect(writer.write('f', rows.slice(0, 500))).toBe(true);
    expect(writer.write('f', rows.slice(500))).toBe(true);
    await writer.close();
    expect(await count('f')).toBe(998);
    const stored = await t.store.query<{ x: number }>('SELECT x FROM f WHERE x IN (17, 640, 0, 999) ORDER BY x');
    expect(stored.map((r) => r.x)).toEqual([0, 999]);
    expect(writer.stats()).toMatchObject({ written: 998, failed: 2 });
    expect(errors.map((e) => [e.table, e.rows])).toEqual([
      ['f', 1],
      ['f', 1],
    ]);
    expect(errors[0].message).toMatch(/surrogate|ESCAPE/i);
  });

  it('bounds the inserts it spends isolating bad rows when every row is bad', async () => {
    let calls = 0;
    const store = Object.create(t.store) as typeof t.store;
    store.insertJson = (...args: Parameters<NonNullable<typeof t.store.insertJson>>) => {
      calls++;
      return t.store.insertJson!(...args);
    };
    const writer = new BatchWriter(store, { flushIntervalMs: 3_600_000 });
    writer.write(
      'f',
      Array.from({ length: 5_000 }, (_, i) => ({ x: 10_000 + i, s: `bad \ud800 ${i}` })),
    );
    await writer.close();
    expect(writer.stats()).toMatchObject({ written: 0, failed: 5_000 });
    expect(calls).toBeLessThanOrEqual(1 + 128);
  });

  it('does not split a batch whose failure is not about its rows (a missing table fails once)', async () => {
    let calls = 0;
    const errors: number[] = [];
    const store = Object.create(t.store) as typeof t.store;
    store.insertJson = (...args: Parameters<NonNullable<typeof t.store.insertJson>>) => {
      calls++;
      return t.store.insertJson!(...args);
    };
    const writer = new BatchWriter(store, { flushIntervalMs: 3_600_000, onError: (_e, _t, rows) => errors.push(rows) });
    writer.write(
      'no_such_table_either',
      Array.from({ length: 64 }, (_, i) => ({ x: i, s: '' })),
    );
    await writer.close();
    expect(errors).toEqual([64]);
    expect(calls).toBe(1);
  });

  it('drops a batch it cannot serialise instead of throwing into the app', async () => {
    const writer = new BatchWriter(t.store, { flushIntervalMs: 3_600_000 });
    expect(writer.write('d', [{ x: 10n, s: '' }])).toBe(false);
    expect(writer.stats()).toMatchObject({ dropped: 1, bufferedRows: 0, bufferedBytes: 0 });
    await writer.close();
  });

  it('writes what is buffered on close and refuses rows afterwards', async () => {
    const writer = new BatchWriter(t.store, { flushIntervalMs: 3_600_000 });
    writer.write('d', [
      { x: 1, s: '' },
      { x: 2, s: '' },
    ]);
    await writer.close();
    expect(await count('d')).toBe(2);
    expect(writer.write('d', [{ x: 3, s: '' }])).toBe(false);
    expect(writer.stats().dropped).toBe(1);
  });

  it('writes shared columns into every row of the write, values verbatim', async () => {
    const writer = new BatchWriter(t.store, { flushIntervalMs: 3_600_000 });
    const hostile = "it's a \\ back'slash\n-- DROP TABLE a; ${x} {p:String}";
    const one = { service: 'shop', attrs: { 'service.name': 'shop', note: hostile } };
    const other = { service: 'billing', attrs: {} };
    expect(
      writer.write(
        'shared_cols',
        [
          { x: 1, tags: { a: '1' } },
          { x: 2, n: 7 },
        ],
        one,
      ),
    ).toBe(true);
    expect(writer.write('shared_cols', [{ x: 3 }], other)).toBe(true);
    expect(writer.write('shared_cols', [{ x: 4 }], one)).toBe(true);
    await writer.close();
    const rows = await t.store.query('SELECT x, service, attrs, tags, n FROM shared_cols ORDER BY x');
    expect(rows).toEqual([
      { x: 1, service: 'shop', attrs: one.attrs, tags: { a: '1' }, n: 0 },
      { x: 2, service: 'shop', attrs: one.attrs, tags: {}, n: 7 },
      { x: 3, service: 'billing', attrs: {}, tags: {}, n: 0 },
      { x: 4, service: 'shop', attrs: one.attrs, tags: {}, n: 0 },
    ]);
  });

  it('collects the rows that arrive during an insert into one next insert', async () => {
    const inserts: number[] = [];
    let release!: () => void;
    const firstInsertHeld = new Promise<void>((resolve) => (release = resolve));
    const insertJson = t.store.insertJson!.bind(t.store);
    const counting = Object.assign(Object.create(t.store) as typeof t.store, {
      insertJson: async (table: string, json: string | readonly Uint8Array[], shared?: Record<string, unknown>) => {
        // Chunks of rows separated by commas, each chunk ending in a newline.
        const text = (typeof json === 'string' ? json : Buffer.concat(json).toString()).trim().replace(/\n/g, ',');
        inserts.push((JSON.parse(`[${text}]`) as unknown[]).length);
        if (inserts.length === 1) await firstInsertHeld;
        return insertJson(table, json, shared);
      },
    });
    const writer = new BatchWriter(counting, { maxRows: 2, flushIntervalMs: 3_600_000 });
    writer.write('e', [
      { x: 0, s: '' },
      { x: 1, s: '' },
    ]);
    await vi.waitFor(() => expect(inserts).toEqual([2]));
    // Each of these reaches maxRows while the first insert runs: they wait, then go as one.
    for (let i = 1; i < 4; i++)
      writer.write('e', [
        { x: 2 * i, s: '' },
        { x: 2 * i + 1, s: '' },
      ]);
    release();
    await writer.flush();
    expect(inserts).toEqual([2, 6]);
    expect(await count('e')).toBe(8);
    await writer.close();
  });
});
