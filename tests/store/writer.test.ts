import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { BatchWriter } from '../../src/store/writer.js';

describe('BatchWriter on chDB', () => {
  let t: TestStore;
  const count = async (table: string) => (await t.store.query<{ n: number }>(`SELECT count() AS n FROM ${table}`))[0]?.n;

  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
    for (const name of ['a', 'b', 'c', 'd']) await t.store.command(`CREATE TABLE ${name} (x UInt32, s String) ENGINE = MergeTree ORDER BY x`);
  });
  afterAll(async () => t?.drop());

  it('flushes a table as soon as it holds maxRows', async () => {
    const writer = new BatchWriter(t.store, { maxRows: 3, flushIntervalMs: 3_600_000 });
    expect(writer.write('a', [{ x: 1, s: '' }, { x: 2, s: '' }])).toBe(true);
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

  it('drops a batch it cannot serialise instead of throwing into the app', async () => {
    const writer = new BatchWriter(t.store, { flushIntervalMs: 3_600_000 });
    expect(writer.write('d', [{ x: 10n, s: '' }])).toBe(false);
    expect(writer.stats()).toMatchObject({ dropped: 1, bufferedRows: 0, bufferedBytes: 0 });
    await writer.close();
  });

  it('writes what is buffered on close and refuses rows afterwards', async () => {
    const writer = new BatchWriter(t.store, { flushIntervalMs: 3_600_000 });
    writer.write('d', [{ x: 1, s: '' }, { x: 2, s: '' }]);
    await writer.close();
    expect(await count('d')).toBe(2);
    expect(writer.write('d', [{ x: 3, s: '' }])).toBe(false);
    expect(writer.stats().dropped).toBe(1);
  });
});
