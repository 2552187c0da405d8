/**
 * Writes the generated Grafana files (dashboards JSON, alert rules YAML) into the repository:
 *   node dist/src/dashboards/build.js [--root <dir>] [--check]
 * --check writes nothing and exits 1 when a committed file differs from what the code generates.
 * `tc9-obs dashboards build` calls buildDashboards() with the same options.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderGrafanaFiles } from './render.js';

export interface BuildDashboardsOptions {
  /** Repository root the generated paths are relative to (default: the working directory). */
  root?: string;
  /** Write nothing; report files that differ from what the code generates. */
  check?: boolean;
  /** Where progress lines go (default: stdout for "wrote", stderr for "out of date"). */
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Command named in "out of date" lines (default: npm run dashboards). */
  rebuildCommand?: string;
}

export interface BuildDashboardsResult {
  /** 0, or 1 when --check found a stale file. */
  exitCode: number;
  written: string[];
  stale: string[];
  /** Generated files in all, changed or not. */
  total: number;
}

export function buildDashboards(options: BuildDashboardsOptions = {}): BuildDashboardsResult {
  const root = resolve(options.root ?? process.cwd());
  const out = options.out ?? ((line) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line) => process.stderr.write(`${line}\n`));
  const result: BuildDashboardsResult = { exitCode: 0, written: [], stale: [], total: 0 };
  for (const [path, content] of renderGrafanaFiles()) {
    result.total++;
    const file = join(root, path);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (options.check) {
      err(`out of date: ${path} (run ${options.rebuildCommand ?? 'npm run dashboards'})`);
      result.stale.push(path);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    out(`wrote ${path}`);
    result.written.push(path);
  }
  result.exitCode = result.stale.length > 0 ? 1 : 0;
  return result;
}

function main(): number {
  const { values } = parseArgs({
    options: { root: { type: 'string', default: process.cwd() }, check: { type: 'boolean', default: false } },
  });
  return buildDashboards({ root: values.root ?? process.cwd(), check: values.check ?? false }).exitCode;
}

// Run only as a script: the CLI imports this module for buildDashboards().
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
