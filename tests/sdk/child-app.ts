/**
 * Runs an app in a child process, optionally under `node --import dist/src/register.js`, and waits for
 * its {"event":"listening","port":N} line. Needs `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/otlp-receiver.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const REGISTER = `${REPO}dist/src/register.js`;
export const INDEX = `${REPO}dist/src/index.js`;
/** The Express adapter entry (tc9-observability/express). */
export const EXPRESS = `${REPO}dist/src/express/index.js`;
export const FIXTURES = `${REPO}tests/fixtures/`;

export interface ChildApp {
  port: number;
  url: string;
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Start under --import register.js (default true). */
  instrument?: boolean;
}

/** Spawns and returns once the exit is known (for apps expected to fail at startup). */
export function runToExit(script: string, { env = {}, instrument = true }: RunOptions = {}) {
  const child = spawnApp(script, env, instrument);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

function spawnApp(script: string, env: Record<string, string | undefined>, instrument: boolean): ChildProcess {
  const args = instrument ? ['--import', REGISTER, script] : [script];
  // A clean environment: no OTEL_*/SENTRY_* from the machine running the tests.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|SENTRY_|TC9_|NODE_OPTIONS$)/.test(k)));
  // A spool directory of its own (unless the test names one): batches one app spooled must not be
  // replayed by another test's app of the same service name.
  const spoolDir = mkdtempSync(join(tmpdir(), 'tc9-spool-'));
  process.once('exit', () => rmSync(spoolDir, { recursive: true, force: true }));
  const all = { ...base, OTEL_SERVICE_NAME: 'fixture', TC9_SPOOL_DIR: spoolDir, ...env };
  return spawn(process.execPath, args, { cwd: REPO, env: all, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startApp(script: string, { env = {}, instrument = true }: RunOptions = {}): Promise<ChildApp> {
  const child = spawnApp(script, env, instrument);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const port = await waitFor(
    () => {
      if (gone) throw new Error(`app exited before listening; stderr:\n${stderr}`);
      const line = stdout.split('\n').find((l) => l.includes('"listening"'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    },
    { what: `${script} to listen`, timeoutMs: 30_000 },
  );
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
  };
}
