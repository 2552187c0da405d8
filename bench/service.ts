/**
 * The reference migration service in a child process, as deployed: `node server.js` without the layer,
 * `node --import dist/src/register.js server.js` with it. Waits for its {"event":"listening"} line; reads
 * its resident memory from /proc (no cooperation from the process needed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './machine.js';

export interface ServiceProcess {
  label: string;
  pid: number;
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  label: string;
  instrument: boolean;
  databaseUrl: string;
  /** Added to a clean environment (no OTEL_*, SENTRY_*, TC9_* or NODE_OPTIONS from the bench's own). */
  env?: Record<string, string>;
}

export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !/^(OTEL_|SENTRY_|TC9_|CLICKHOUSE_|NODE_OPTIONS$)/.test(e[0]),
    ),
  );
  return { ...base, ...extra };
}

export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  const root = repoRoot();
  const server = join(root, 'dist/examples/migration-service/server.js');
  const args = options.instrument ? ['--import', join(root, 'dist/src/register.js'), server] : [server];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: cleanEnv({ DATABASE_URL: options.databaseUrl, PORT: '0', HOST: '127.0.0.1', ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  // Keep only the tail: an exporter complaining for minutes must not grow the bench's memory.
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.label}: not listening after 60 s; stderr:\n${stderr}`)), 60_000);
    const check = () => {
      const line = stdout.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.label}: exited (${code}) before listening; stderr:\n${stderr}`));
    });
  });

  return {
    label: options.label,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc/<pid>/status VmRSS); undefined once it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time a process has used so far, user and system, in ms (Linux /proc/<pid>/stat utime and stime, in
 * USER_HZ = 100 ticks per second); undefined once it is gone. On a machine shared with other work this
 * varies far less than throughput does: it counts what the process did, not how long it waited.
 */
export function cpuTimeMs(pid: number): { user: number; system: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the samples in bytes. */
export function sampleRss(pid: number, everyMs = 200): { stop(): number[] } {
  const samples: number[] = [];
  const take = () => {
    const v = rssBytes(pid);
    if (v !== undefined) samples.push(v);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

async function post(url: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** Organisations and projects for GET /projects to list (through the service's own API). */
export async function seedProjects(url: string, projects: number): Promise<void> {
  const source = await post(`${url}/organisations`, { name: 'Bench Source', type: 'production' });
  const target = await post(`${url}/organisations`, { name: 'Bench Target', type: 'sandbox' });
  for (let i = 0; i < projects; i++) {
    await post(`${url}/projects`, {
      name: `Bench project ${i + 1}`,
      sourceOrgId: source.id,
      targetOrgId: target.id,
      template: i % 2 ? 'accounts' : 'contacts',
    });
  }
}
