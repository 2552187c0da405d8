/**
 * Runs the built CLI (dist/src/cli/main.js) as a child process, the way users and docker-compose run it,
 * with an environment of our own: none of the developer's OTEL_*, TC9_*, SENTRY_* or CLICKHOUSE_* settings
 * leak in, and the chDB store lives in a temporary directory per test file.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/src/cli/main.js');

/** pretest builds; a bare `npx vitest run tests/cli` on a fresh checkout builds here. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const OURS = /^(OTEL_|TC9_|SENTRY_|CLICKHOUSE_)/;

export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !OURS.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export function runCli(args: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return runNode([CLI, ...args], options);
}

export function runNode(args: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A temporary chDB data directory for the calling test file, removed after its tests. */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tc9-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'data');
}

/** Rows inserted by a child process (tests/cli/fixtures/seed.mjs). */
export async function seed(dataDir: string, database: string, tables: Record<string, object[]>): Promise<void> {
  const result = await runNode([join(ROOT, 'tests/cli/fixtures/seed.mjs'), dataDir, database], { input: JSON.stringify(tables) });
  if (result.code !== 0) throw new Error(`seeding failed: ${result.stderr}`);
}

/** A local port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * Runs the CLI with the read end of its stdout closed from the start, as `tc9-obs ... | head` leaves it once
 * head has had its lines: every write to stdout fails with EPIPE.
 */
export function runCliClosedStdout(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
