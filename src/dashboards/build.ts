/**
 * Writes the generated Grafana files (dashboards JSON, alert rules YAML) into the repository:
 *   node dist/src/dashboards/build.js [--root <dir>] [--check]
 * --check writes nothing and exits 1 when a committed file differs from what the code generates.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderGrafanaFiles } from './render.js';

function main(): number {
  const { values } = parseArgs({ options: { root: { type: 'string', default: process.cwd() }, check: { type: 'boolean', default: false } } });
  const root = resolve(values.root ?? process.cwd());
  let stale = 0;
  for (const [path, content] of renderGrafanaFiles()) {
    const file = join(root, path);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (values.check) {
      process.stderr.write(`out of date: ${path} (run npm run dashboards)\n`);
      stale++;
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    process.stdout.write(`wrote ${path}\n`);
  }
  return stale > 0 ? 1 : 0;
}

process.exitCode = main();
