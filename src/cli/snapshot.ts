/**
 * A copy of a chDB data directory that another process (a running app) holds open. chDB, like a ClickHouse
 * server, locks its directory (the `status` file) for one process, so the CLI cannot open an app's store
 * while the app runs; it can read a copy.
 *
 * The engine only ever adds whole parts (written under a tmp_ name, then renamed) and removes parts that a
 * newer part covers (merges, mutations), minutes after they were replaced (renamed to delete_tmp_ first, or
 * removed outright). So the copy takes each directory entry whole, skips the tmp_/delete_tmp_ ones and the
 * parts another listed part covers (replaced, waiting for removal: the engine would drop them on opening the
 * copy anyway), and when an entry vanished mid-copy (a long copy of a large store) it drops what it had of it
 * and lists the directory again: the part that replaced it is there by then. What the copy holds is each table
 * as of some moment during the copy; rows an insert was still writing into several tables (a table and its
 * materialized views) may be in some of them only.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';

/** Top-level entries of a data directory that are the process's own, not the data: the lock, scratch space, our insert staging. */
const NOT_DATA = new Set(['status', 'tmp', 'tc9-insert-staging']);
/** Parts being written (tmp_insert_, tmp_merge_, tmp_mut_, tmp-fetch_) or removed (delete_tmp_). */
const TRANSIENT = /^(?:delete_)?tmp[_-]/;
/** A directory that keeps changing for this many listings is not one the engine is merging in: give up. */
const MAX_PASSES = 100;

/** Copies the store; returns how many entries vanished mid-copy and were listed again (for TC9_DEBUG, and the test). */
export async function copyStoreDirectory(source: string, target: string): Promise<{ vanished: number }> {
  const stats = { vanished: 0 };
  await copyDirectory(source, target, source, target, stats, (name) => NOT_DATA.has(name));
  return stats;
}

async function copyDirectory(
  from: string,
  to: string,
  root: string,
  rootCopy: string,
  stats: { vanished: number },
  skip: (name: string) => boolean = () => false,
): Promise<void> {
  await mkdir(to, { recursive: true });
  const copied = new Set<string>();
  for (let pass = 1; ; pass++) {
    // ENOENT here: this directory itself went away; the caller lists its parent again.
    const entries = await readdir(from, { withFileTypes: true });
    const covered = coveredParts(entries.map((e) => e.name));
    let vanished = false;
    for (const entry of entries) {
      if (copied.has(entry.name) || covered.has(entry.name) || skip(entry.name) || TRANSIENT.test(entry.name)) continue;
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      try {
        if (entry.isSymbolicLink()) {
          const link = await readlink(source);
          // chDB's links (metadata/<db>, data/<db>/<table>) are relative; an absolute one into the store must
          // point into the copy, or the copy's engine would work on the original's files.
          const inside = isAbsolute(link) && !relative(root, link).startsWith('..');
          await symlink(inside ? join(rootCopy, relative(root, link)) : link, target);
        } else if (entry.isDirectory()) {
          await copyDirectory(source, target, root, rootCopy, stats);
        } else if (entry.isFile()) {
          // A clone where the file system can (btrfs, XFS), else a copy; never a hard link, which the copy's
          // engine could change under the app.
          await copyFile(source, target, constants.COPYFILE_FICLONE);
        }
        copied.add(entry.name);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        // A file went: the directory holding it is being removed (a merged-away part); the level above
        // lists again. A directory went: list this one again.
        if (!entry.isDirectory()) throw err;
        await rm(target, { recursive: true, force: true });
        stats.vanished++;
        vanished = true;
      }
    }
    if (!vanished) return;
    if (pass >= MAX_PASSES) throw new Error(`${from} kept changing while it was copied (${MAX_PASSES} listings)`);
  }
}

interface PartName {
  name: string;
  partition: string;
  min: number;
  max: number;
  level: number;
  mutation: number;
}

/** A MergeTree part's directory name: <partition>_<min block>_<max block>_<level>[_<mutation>]; partition ids hold no "_". */
function parsePart(name: string): PartName | undefined {
  const m = /^([^_]+)_(\d+)_(\d+)_(\d+)(?:_(\d+))?$/.exec(name);
  if (!m) return undefined;
  return { name, partition: m[1]!, min: Number(m[2]), max: Number(m[3]), level: Number(m[4]), mutation: Number(m[5] ?? 0) };
}

/**
 * Parts another part of the listing contains (ClickHouse's MergeTreePartInfo::contains): merged or mutated away
 * and waiting for removal (old_parts_lifetime, minutes). The engine drops them on opening the copy anyway, and
 * an app's table can hold hundreds of them, each a directory of files: not copying them is most of the work.
 */
export function coveredParts(names: readonly string[]): Set<string> {
  const parts = names.map(parsePart).filter((p): p is PartName => p !== undefined);
  const covered = new Set<string>();
  for (const p of parts) {
    for (const q of parts) {
      if (q !== p && q.partition === p.partition && q.min <= p.min && q.max >= p.max && q.level >= p.level && q.mutation >= p.mutation) {
        covered.add(p.name);
        break;
      }
    }
  }
  return covered;
}
