/** src/sdk/spool/directory.ts: whole files only, a size bound, claims, and recovery after a crash. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolDirectory } from '../../../src/sdk/spool/directory.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tc9-spool-test-'));
  dirs.push(d);
  return d;
}

/** The id of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('spool directory', () => {
  it('creates the directory on the first write, and claims batches oldest first', async () => {
    const path = join(tempDir(), 'nested', 'svc');
    const spool = new SpoolDirectory(path, 1_000_000);
    await spool.recover();
    expect(spool.batches).toBe(0);
    for (const text of ['first', 'second', 'third']) expect(await spool.write(text)).toBe('kept');
    expect(readdirSync(path).every((n) => n.endsWith('.batch'))).toBe(true);
    expect(spool.bytes).toBe(16);

    const a = await spool.claimOldest();
    expect(a?.text).toBe('first');
    expect(readdirSync(path).filter((n) => n.endsWith('.replaying'))).toHaveLength(1);
    const b = await spool.claimOldest();
    expect(b?.text).toBe('second');
    await spool.release(a!);
    await spool.remove(b!);
    expect((await spool.claimOldest())?.text).toBe('first');
    expect(spool.batches).toBe(2);
    expect(spool.bytes).toBe(10);
  });

  it("answers 'full' instead of writing past maxBytes, and keeps refusing until a replay frees space", async () => {
    const spool = new SpoolDirectory(tempDir(), 25);
    expect(await spool.write('x'.repeat(10))).toBe('kept');
    expect(await spool.write('x'.repeat(10))).toBe('kept');
    expect(await spool.write('x'.repeat(10))).toBe('full');
    // Would fit, but would leave a gap between what was kept and this.
    expect(await spool.write('x'.repeat(5))).toBe('full');
    expect(spool.bytes).toBe(20);
    expect(spool.batches).toBe(2);
    await spool.remove((await spool.claimOldest())!);
    expect(await spool.write('x'.repeat(5))).toBe('kept');
    expect(spool.bytes).toBe(15);
  });

  it('recovers what a dead process left: removes its unfinished writes, releases its claims, counts the batches', async () => {
    const path = tempDir();
    const dead = deadPid();
    writeFileSync(join(path, `01700000000000-${dead}-000000.batch`), 'done');
    writeFileSync(join(path, `01700000000001-${dead}-000001.batch.${dead}.replaying`), 'claimed');
    writeFileSync(join(path, `01700000000002-${dead}-000002.batch.${dead}.tmp`), '{"v":1,"reso');
    writeFileSync(join(path, 'README.txt'), 'not ours');
    const spool = new SpoolDirectory(path, 1_000_000);
    await spool.recover();
    expect(readdirSync(path).sort()).toEqual([`01700000000000-${dead}-000000.batch`, `01700000000001-${dead}-000001.batch`, 'README.txt']);
    expect(spool.batches).toBe(2);
    expect(spool.bytes).toBe(11);
    expect((await spool.claimOldest())?.text).toBe('done');
  });

  it("leaves a live process's temp files and claims alone", async () => {
    const path = tempDir();
    const live = process.ppid;
    writeFileSync(join(path, `01700000000001-${live}-000001.batch.${live}.replaying`), 'claimed');
    writeFileSync(join(path, `01700000000002-${live}-000002.batch.${live}.tmp`), 'writing');
    const spool = new SpoolDirectory(path, 1_000_000);
    await spool.recover();
    expect(readdirSync(path)).toHaveLength(2);
    expect(await spool.claimOldest()).toBeUndefined();
  });
});
