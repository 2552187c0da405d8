/**
 * Helpers of the failure tests: addresses nothing listens on, bounded-concurrency request loops, the
 * analytics fixture app, and reading an app's spool directory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBatch } from '../../src/sdk/spool/format.js';
import { FIXTURES, INDEX, startApp, type ChildApp } from '../sdk/child-app.js';

export const ANALYTICS_APP = `${FIXTURES}analytics/app.mjs`;

/** A port on which nothing listens (bound by the OS, then released). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Short batch delays and export timeouts, so failures and replays happen within a test's time. */
export const FAST_EXPORT = {
  OTEL_BSP_SCHEDULE_DELAY: '200',
  OTEL_BLRP_SCHEDULE_DELAY: '50',
  OTEL_METRIC_EXPORT_INTERVAL: '1000',
  OTEL_EXPORTER_OTLP_TIMEOUT: '500',
  TC9_SPOOL_RETRY_MAX_MS: '500',
};

export function startAnalyticsApp(env: Record<string, string>): Promise<ChildApp> {
  // --expose-gc: /rss collects garbage first, so memory is compared without garbage not yet collected.
  return startApp(ANALYTICS_APP, { env: { TC9_INDEX: INDEX, NODE_OPTIONS: '--expose-gc', ...env } });
}

export interface Answer {
  path: string;
  status: number;
  body: Record<string, unknown>;
}

/** GETs every path, at most `concurrency` at a time; every answer, in the order of `paths`. */
export async function hammer(base: string, paths: string[], concurrency = 16): Promise<Answer[]> {
  const answers: Answer[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const res = await fetch(base + paths[i]!);
      answers[i] = { path: paths[i]!, status: res.status, body: (await res.json()) as Record<string, unknown> };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

export async function rss(app: ChildApp): Promise<number> {
  const res = await fetch(`${app.url}/rss`);
  return ((await res.json()) as { rss: number }).rss;
}

/** What happened in a child's stderr that must never happen. */
export const UNHANDLED = /unhandled|uncaught|FATAL|Maximum call stack/i;

/**
 * The spool's complete batch files (waiting, or claimed for a replay), decoded: throws on a damaged
 * one. Besides them, only temp files of writes under way may be there.
 */
export function readSpool(dir: string): { batches: { name: string; eventIds: string[] }[]; others: string[] } {
  const names = readdirSync(dir).sort();
  const complete = (n: string) => n.endsWith('.batch') || n.endsWith('.replaying');
  const batches = names.filter(complete).map((name) => ({
    name,
    eventIds: decodeBatch(readFileSync(join(dir, name), 'utf8')).map((r) => String(r.attributes['tc9.event.id'])),
  }));
  return { batches, others: names.filter((n) => !complete(n)) };
}

export const spoolBatchCount = (dir: string): number => {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.batch')).length;
  } catch {
    return 0;
  }
};
