/**
 * The embedded store while an app has it open. chDB (like a ClickHouse server) locks its data directory for
 * one process, so the CLI cannot open a running app's store. Reads (report) take a copy of the directory and
 * read that (src/cli/snapshot.ts: whole parts, not the replaced ones, listed again when some vanished mid-copy);
 * writes (gdpr delete, and gdpr export, which records an audit row) refuse with what to do.
 *
 * The app here inserts a part and merges all parts into a new one every few tens of ms, so the directory holds
 * hundreds of replaced parts and changes while it is copied. Each report must count every row the app had
 * acknowledged before the report started, and no row more than it had sent by the time it ended: a lost part,
 * or a replaced part counted next to the one that replaced it, breaks that.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, ROOT, runCli, tempDataDir } from './cli.js';

const dataDir = tempDataDir();
// The CLI's temporary copies go here (TMPDIR), so the test can see that none is left behind.
const temp = mkdtempSync(join(tmpdir(), 'tc9-locked-tmp-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const env = { TC9_DATA_DIR: dataDir, TMPDIR: temp };

let app: ChildProcess;
let acknowledged = 0;

function startApp(): Promise<void> {
  app = spawn(process.execPath, [join(ROOT, 'tests/cli/fixtures/app.mjs'), dataDir, 'otel'], {
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    app.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const wrote = /^wrote (\d+)$/.exec(line);
        if (wrote) acknowledged = Number(wrote[1]);
        // A few parts in before the first read.
        if (acknowledged >= 40) resolve();
      }
    });
    app.on('exit', (code) => reject(new Error(`the app exited (${code}) before it was ready`)));
  });
}

const requests = (stdout: string) => {
  const report = JSON.parse(stdout) as {
    views: Array<{ tables: Array<{ query: string; rows: Array<{ route: string; requests: number }> }> }>;
  };
  const table = report.views.flatMap((v) => v.tables).find((t) => t.query === 'http_route_latency');
  return table?.rows.find((r) => r.route === '/live')?.requests ?? 0;
};

describe('a store a running app holds open', () => {
  beforeAll(async () => {
    ensureBuilt();
    const migrated = await runCli(['db', 'migrate'], { env });
    expect(migrated.code, migrated.stderr).toBe(0);
    await startApp();
  }, 60_000);

  afterAll(async () => {
    if (!app || app.exitCode !== null) return;
    const exited = new Promise((r) => app.once('exit', r));
    app.stdin!.end();
    await exited;
  });

  it('report reads a consistent copy of what the app has written, and says so', async () => {
    let previous = 0;
    for (let i = 0; i < 3; i++) {
      const before = acknowledged;
      const r = await runCli(['report', '--since', '1h', '--view', 'performance', '--format', 'json'], { env });
      const after = acknowledged + 5; // an insert under way when the report ended may already be in the parts
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`is in use by process ${app.pid}`);
      expect(r.stderr).toMatch(/reading a copy/);
      const counted = requests(r.stdout);
      expect(counted, `report ${i}`).toBeGreaterThanOrEqual(before);
      expect(counted, `report ${i}`).toBeLessThanOrEqual(after);
      expect(counted).toBeGreaterThanOrEqual(previous);
      previous = counted;
    }
    // Every copy removed.
    expect(readdirSync(temp)).toEqual([]);
  });

  it('gdpr delete and export refuse, naming the process and what to do', async () => {
    for (const args of [
      ['gdpr', 'delete', '--user', 'user-1', '--yes'],
      ['gdpr', 'export', '--user', 'user-1'],
    ]) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`is in use by process ${app.pid}`);
      expect(r.stderr).toMatch(/stop the app/);
      expect(r.stderr).not.toMatch(/Code: 76|\n\s+at /);
    }
  });
});
