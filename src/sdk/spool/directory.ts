/**
 * The spool directory: one file per batch, named so that name order is write order.
 *
 *   <time>-<pid>-<seq>.batch                  a complete batch
 *   <time>-<pid>-<seq>.batch.<pid>.tmp        being written (renamed into place when complete)
 *   <time>-<pid>-<seq>.batch.<pid>.replaying  claimed by the process replaying it
 *
 * Crash safety comes from rename: a batch file is whole or absent, so a SIGKILL while writing loses at
 * most that batch (its .tmp file is removed at the next start). Claims are renames too, so two
 * processes sharing a directory never replay the same batch; a claim or temp file left by a process that
 * is gone is released or removed by the next recover(). Files are not fsync'ed: a process crash keeps
 * them (the kernel has them), a power cut may not.
 *
 * Size is bounded by maxBytes, counted by this process (what it found at recover() plus what it wrote):
 * several processes on one directory each keep to the bound as they see it. Once a batch did not fit,
 * later ones are refused too (even smaller ones that would fit) until a replay frees space: the spool
 * keeps the start of an outage without gaps.
 */
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const BATCH = /^\d{14}-\d+-\d{6}\.batch$/;
const TEMP = /^(.+\.batch)\.(\d+)\.tmp$/;
const CLAIM = /^(.+\.batch)\.(\d+)\.replaying$/;

/** A batch this process has claimed for replay. */
export interface ClaimedBatch {
  name: string;
  text: string;
  bytes: number;
}

export type WriteOutcome = 'kept' | 'full';

export class SpoolDirectory {
  /** Bytes of complete and claimed batch files, plus writes under way. */
  private size = 0;
  private batchCount = 0;
  private seq = 0;
  private created = false;
  private full = false;

  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {}

  get bytes(): number {
    return this.size;
  }

  /** Batches waiting (complete or claimed), as far as this process knows. */
  get batches(): number {
    return this.batchCount;
  }

  /**
   * Takes stock of what an earlier process left: removes its unfinished writes, releases its claims, and
   * counts the batches to replay. A missing directory is an empty spool (it is created on first write).
   */
  async recover(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.path);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return;
      throw error;
    }
    for (const name of names) {
      const temp = TEMP.exec(name);
      if (temp && !alive(Number(temp[2]))) await unlink(join(this.path, name)).catch(ignoreMissing);
      const claim = CLAIM.exec(name);
      if (claim && !alive(Number(claim[2]))) await rename(join(this.path, name), join(this.path, claim[1]!)).catch(ignoreMissing);
    }
    for (const name of await readdir(this.path)) {
      if (!BATCH.test(name) && !CLAIM.test(name)) continue;
      const info = await stat(join(this.path, name)).catch(() => undefined);
      if (!info) continue;
      this.size += info.size;
      this.batchCount++;
    }
  }

  /** Writes one batch as a complete file, or answers 'full' when it would pass maxBytes. Throws fs errors. */
  async write(text: string): Promise<WriteOutcome> {
    const bytes = Buffer.byteLength(text);
    if (this.full || this.size + bytes > this.maxBytes) {
      this.full = true;
      return 'full';
    }
    // Reserved before the first await, so concurrent writes cannot overshoot the bound together.
    this.size += bytes;
    const name = `${String(Date.now()).padStart(14, '0')}-${process.pid}-${String(this.seq++ % 1_000_000).padStart(6, '0')}.batch`;
    const temp = join(this.path, `${name}.${process.pid}.tmp`);
    try {
      if (!this.created) {
        await mkdir(this.path, { recursive: true });
        this.created = true;
      }
      await writeFile(temp, text, { flag: 'wx' });
      await rename(temp, join(this.path, name));
    } catch (error) {
      this.size -= bytes;
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    this.batchCount++;
    return 'kept';
  }

  /** Claims the oldest batch no one else has claimed; undefined when none is left. */
  async claimOldest(): Promise<ClaimedBatch | undefined> {
    let names: string[];
    try {
      names = (await readdir(this.path)).filter((n) => BATCH.test(n)).sort();
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    }
    for (const name of names) {
      const claimed = `${name}.${process.pid}.replaying`;
      try {
        await rename(join(this.path, name), join(this.path, claimed));
      } catch (error) {
        if (isCode(error, 'ENOENT')) continue; // another process took it
        throw error;
      }
      const text = await readFile(join(this.path, claimed), 'utf8');
      return { name, text, bytes: Buffer.byteLength(text) };
    }
    return undefined;
  }

  /** The batch was replayed (or cannot ever be): gone for good. */
  async remove(batch: ClaimedBatch): Promise<void> {
    await unlink(join(this.path, `${batch.name}.${process.pid}.replaying`)).catch(ignoreMissing);
    this.size = Math.max(0, this.size - batch.bytes);
    this.batchCount = Math.max(0, this.batchCount - 1);
    this.full = false;
  }

  /** The replay failed: back into the queue, in its old place. */
  async release(batch: ClaimedBatch): Promise<void> {
    await rename(join(this.path, `${batch.name}.${process.pid}.replaying`), join(this.path, batch.name)).catch(ignoreMissing);
  }
}

/** Whether a process with this id runs. Our own id in a file found at start-up is an earlier process (containers reuse ids). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, 'EPERM');
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

function ignoreMissing(error: unknown): void {
  if (!isCode(error, 'ENOENT')) throw error;
}
