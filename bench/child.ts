/** Runs a compiled bench child script (dist/bench/children/*.js) and parses the JSON line it prints last. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './machine.js';
import { cleanEnv } from './service.js';

export interface ChildOptions {
  /** Node arguments before the script, e.g. ['--import', register]. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

export async function runChild<T>(script: string, options: ChildOptions = {}): Promise<T> {
  const root = repoRoot();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(root, 'dist/bench/children', script)], {
    cwd: root,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`${script} exited ${code}; stderr:\n${stderr.trim()}`);
  return JSON.parse(last) as T;
}
