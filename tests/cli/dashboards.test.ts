/** `tc9-obs dashboards build [--check]`: the generator of src/dashboards, callable from the CLI. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runCli, runNode } from './cli.js';

ensureBuilt();
const root = mkdtempSync(join(tmpdir(), 'tc9-dashboards-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tc9-obs dashboards build', () => {
  it('--check fails on a tree without the generated files, naming each', async () => {
    const r = await runCli(['dashboards', 'build', '--check', '--root', root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^out of date: grafana\/dashboards\/[\w/-]+\.json \(run tc9-obs dashboards build\)$/m);
    expect(r.stderr).toMatch(/^\d+ of \d+ generated files out of date$/m);
    expect(readdirSync(root)).toEqual([]);
  });

  it('writes them, after which --check passes', async () => {
    const built = await runCli(['dashboards', 'build', '--root', root]);
    expect(built.code, built.stderr).toBe(0);
    const written = built.stdout.match(/^wrote .+$/gm) ?? [];
    expect(written.length).toBeGreaterThan(1);

    const checked = await runCli(['dashboards', 'build', '--check', '--root', root]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toBe(`all ${written.length} generated files up to date\n`);
  });

  it('still runs as a script with the same output (node dist/src/dashboards/build.js)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tc9-dashboards-script-'));
    try {
      const r = await runNode([join(ROOT, 'dist/src/dashboards/build.js'), '--check', '--root', empty]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^out of date: grafana\/dashboards\/[\w/-]+\.json \(run npm run dashboards\)$/m);
      expect(r.stderr).not.toContain('generated files out of date');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
