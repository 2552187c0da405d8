/**
 * chDB is an optional peer dependency (a service exporting to a collector never needs the ~550 MB engine).
 * Without it, opening the embedded store says what is missing and how to install it. The built store module
 * is copied to a folder outside the repository, where `chdb` cannot be resolved, and opened there.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const STORE_DIST = fileURLToPath(new URL('../../dist/src/store/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tc9-no-chdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('opening the embedded store without chdb installed names the package and the install command', () => {
  cpSync(STORE_DIST, join(dir, 'store'), { recursive: true, filter: (p) => !p.endsWith('.map') });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const script = `
    const { ChdbStore } = await import(${JSON.stringify(join(dir, 'store', 'chdb-store.js'))});
    try { await new ChdbStore({ dataDir: ${JSON.stringify(join(dir, 'data'))}, database: 'd' }).query('SELECT 1'); console.log('opened'); }
    catch (e) { console.log(e.message); }
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
  expect(out).toContain('needs chDB');
  expect(out).toContain('npm install chdb');
  expect(out).toContain('CLICKHOUSE_URL');
});
