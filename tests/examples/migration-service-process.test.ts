/**
 * The startup contract other tests rely on: `node dist/examples/migration-service/server.js` (built by
 * `npm run build`, which `npm test` runs first) with DATABASE_URL / PORT / HOST prints exactly one stdout line,
 * {"event":"listening","port":<n>}, serves requests, and exits 0 on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER = 'dist/examples/migration-service/server.js';

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function startProcess(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [SERVER], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function firstLine(started: Started): Promise<string> {
  while (!started.stdout().includes('\n')) {
    if (started.child.exitCode !== null) throw new Error(`server exited ${started.child.exitCode}: ${started.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return started.stdout().split('\n')[0]!;
}

describe('migration service process (startup contract)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('tc9_msproc');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('prints one listening line, serves, and exits 0 on SIGTERM', async () => {
    const started = startProcess({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1' });
    try {
      const line = await firstLine(started);
      const message = JSON.parse(line) as { event: string; port: number };
      expect(Object.keys(message)).toEqual(['event', 'port']);
      expect(message.event).toBe('listening');
      expect(Number.isInteger(message.port) && message.port > 0).toBe(true);

      const health = await fetch(`http://127.0.0.1:${message.port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const org = await fetch(`http://127.0.0.1:${message.port}/organisations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Process Org', type: 'developer' }),
      });
      expect(org.status).toBe(201);

      started.child.kill('SIGTERM');
      const [code, signal] = await started.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(started.stdout()).toBe(`${line}\n`);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it('refuses an invalid PORT with a message naming it, and exits 1', async () => {
    const started = startProcess({ DATABASE_URL: db.url, PORT: 'eighty' });
    const [code] = await started.exited;
    expect(code).toBe(1);
    expect(started.stderr()).toMatch(/invalid environment: PORT: /);
    expect(started.stdout()).toBe('');
  });
});
