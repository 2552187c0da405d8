/**
 * `tc9-obs demo` delegates to runDemo of src/demo/index.ts. Runs a copy of the built CLI next to a stand-in
 * demo module (or none), inside the repository so the copy still resolves node_modules and clickhouse/.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runNode } from './cli.js';

describe('tc9-obs demo', () => {
  let copy: string;
  const cli = () => join(copy, 'dist/src/cli/main.js');

  beforeAll(() => {
    ensureBuilt();
    mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
    copy = mkdtempSync(join(ROOT, 'node_modules/.cache/tc9-cli-demo-'));
    cpSync(join(ROOT, 'dist/src'), join(copy, 'dist/src'), {
      recursive: true,
      filter: (src) => !/[\\/]dist[\\/]src[\\/]demo([\\/]|$)/.test(src),
    });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('says clearly when the demo is not part of the build (exit 1)', async () => {
    const r = await runNode([cli(), 'demo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the demo is not available in this build \(.*demo\/index\.js is missing\)\nfix: run npm run build/);
  });

  it('passes the options to runDemo and exits with its code', async () => {
    mkdirSync(join(copy, 'dist/src/demo'), { recursive: true });
    writeFileSync(
      join(copy, 'dist/src/demo/index.js'),
      'export async function runDemo(options) { process.stdout.write(JSON.stringify(options)); return 3; }\n',
    );
    const r = await runNode([cli(), 'demo', '--duration', '2m', '--users', '4', '--out', 'demo-out', '--no-browser']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ durationSeconds: 120, users: 4, outDir: 'demo-out', openBrowser: false });

    const defaults = await runNode([cli(), 'demo']);
    expect(defaults.code).toBe(3);
    expect(JSON.parse(defaults.stdout)).toEqual({ openBrowser: true });
  });
});
