/**
 * Builds a Go program of tests/real-stack (its own go.mod) once per test process, reusing the machine's Go
 * module and build caches (no download when go.sum's modules are cached).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Go 1.26 (the toolchain the real-stack programs and the collector are built with). */
export const GO = process.env.GO ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');

const built = new Map<string, Promise<string>>();

/** `go build` of the package in `dir`; resolves to the binary's path. */
export function goBuild(dir: string, name: string): Promise<string> {
  let binary = built.get(dir);
  if (!binary) {
    binary = (async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'tc9-go-')), name);
      try {
        await run(GO, ['build', '-o', out, '.'], { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod' }, maxBuffer: 16 << 20 });
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`go build in ${dir} failed: ${e.stderr || e.message}`);
      }
      return out;
    })();
    built.set(dir, binary);
  }
  return binary;
}
