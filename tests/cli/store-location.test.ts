/**
 * Where the CLI finds its store. A new user runs `npm start` (the demo writes .tc9/demo/store), then the README's
 * `tc9-obs report --since 24h`, which reads TC9_DATA_DIR (default .tc9/data): that must find the demo's data,
 * the demo's printed next command must work as printed, and a directory without a store must be named with the
 * way to point elsewhere and must not be turned into an empty store by the attempt.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSettings } from '../../src/demo/settings.js';
import { ensureBuilt, runCli, seed } from './cli.js';
import { spanRow } from './rows.js';

const project = mkdtempSync(join(tmpdir(), 'tc9-project-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
const demoOut = join(project, '.tc9/demo');
// Where the demo writes, from the demo's own settings rather than a copy of the path.
const demoStore = demoSettings({}, demoOut).config.store.dataDir;

function traffic() {
  const now = Date.now();
  return {
    otel_traces: [0, 1, 2].map((i) =>
      spanRow(now - (10 + i) * 60_000, 'GET /projects', 'Server', 'migration-service', 20, {
        'http.route': '/projects',
        'http.request.method': 'GET',
        'http.response.status_code': '200',
      }),
    ),
  };
}

describe('finding the store', () => {
  beforeAll(async () => {
    ensureBuilt();
    const migrated = await runCli(['db', 'migrate'], { env: { TC9_DATA_DIR: demoStore } });
    expect(migrated.code, migrated.stderr).toBe(0);
    await seed(demoStore, 'otel', traffic());
  });

  it('the next command the demo prints works, run from where the demo ran', async () => {
    const { nextCommand } = (await import('../../src/demo/hints.js')) as { nextCommand: (outDir: string, cwd?: string) => string };
    const command = nextCommand(demoOut, project);
    expect(command).toMatch(/^npx tc9-obs report /);
    const r = await runCli(command.replace(/^npx tc9-obs /, '').split(' '), { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {4}\/projects\s+GET\s+3\s+0\s/m);
  });

  it("the README's `report --since 24h` reads the demo's store when .tc9/data holds none, and says so", async () => {
    const r = await runCli(['report', '--since', '24h'], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`no store in .tc9/data; reading the demo's store in .tc9/demo/store`);
    expect(r.stdout).toMatch(/^ {4}\/projects\s+GET\s+3\s+0\s/m);
    // Looking was not creating.
    expect(existsSync(join(project, '.tc9/data'))).toBe(false);
  });

  it('takes --data-dir', async () => {
    const r = await runCli(['report', '--since', '24h', '--data-dir', demoStore], { cwd: tmpdir() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ {4}\/projects\s+GET\s+3\s+0\s/m);
  });

  it('names TC9_DATA_DIR and --data-dir when the directory holds no store, and leaves nothing behind', async () => {
    const nowhere = join(project, 'nowhere');
    const empty = join(project, 'empty');
    mkdirSync(empty);
    for (const dir of [nowhere, empty]) {
      const r = await runCli(['report', '--since', '24h'], { env: { TC9_DATA_DIR: dir } });
      expect(r.code, dir).toBe(1);
      expect(r.stderr).toContain(`no tc9-observability store in ${dir}`);
      expect(r.stderr).toMatch(/TC9_DATA_DIR/);
      expect(r.stderr).toMatch(/--data-dir/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(nowhere)).toBe(false);
    expect(readdirSync(empty)).toEqual([]);
  });
});
