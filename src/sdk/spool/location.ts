/**
 * Where the spool lives. TC9_SPOOL_DIR when set (used as given). Otherwise .tc9/spool/<service.name>
 * under the working directory, next to the embedded store's .tc9/data, so a restarted service finds
 * its spool again; when the working directory is not writable (read-only container images), the same
 * path under os.tmpdir(), which survives a process restart but maybe not a container restart.
 * Nothing is created here: the directory appears with the first spooled batch.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export function defaultSpoolDirs(serviceName: string, cwd = process.cwd(), tmp = tmpdir()): [string, string] {
  // A service name may hold anything; the directory name keeps letters, digits and . _ - only.
  const safe = serviceName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'unknown_service';
  return [resolve(cwd, '.tc9', 'spool', safe), join(tmp, 'tc9-spool', safe)];
}

export async function resolveSpoolDir(configured: string | undefined, serviceName: string): Promise<string> {
  if (configured) return resolve(configured);
  const [preferred, fallback] = defaultSpoolDirs(serviceName);
  return (await writable(preferred)) ? preferred : fallback;
}

/** Whether `dir`, or the nearest ancestor that exists, may be written to. */
async function writable(dir: string): Promise<boolean> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await access(d, constants.F_OK);
    } catch {
      if (dirname(d) === d) return false;
      continue;
    }
    try {
      await access(d, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }
}
