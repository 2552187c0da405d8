/** `tc9-obs dashboards build [--check]`: regenerates grafana/ (dashboards JSON, alert rules) from src/dashboards. */
import type { Command } from 'commander';
import { CliFailure } from '../errors.js';

interface DashboardsFlags {
  check?: boolean;
  root?: string;
}

/** Loaded on use: the generator needs @grafana/grafana-foundation-sdk, a dev dependency absent from production images. */
async function loadBuilder(): Promise<typeof import('../../dashboards/build.js')> {
  try {
    return await import('../../dashboards/build.js');
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && /grafana-foundation-sdk/.test(String((err as Error).message))) {
      throw new CliFailure(
        'error: dashboards build needs the dev dependency @grafana/grafana-foundation-sdk\nfix: run it from a checkout after npm install',
      );
    }
    throw err;
  }
}

async function runBuild(flags: DashboardsFlags): Promise<void> {
  const { buildDashboards } = await loadBuilder();
  const result = buildDashboards({
    root: flags.root ?? process.cwd(),
    check: flags.check ?? false,
    rebuildCommand: 'tc9-obs dashboards build',
  });
  if (result.stale.length > 0) {
    process.stderr.write(`${result.stale.length} of ${result.total} generated files out of date\n`);
  } else if (result.written.length === 0) {
    process.stdout.write(`all ${result.total} generated files up to date\n`);
  }
  process.exitCode = result.exitCode;
}

export function registerDashboards(program: Command): void {
  const dashboards = program.command('dashboards').description('the generated Grafana dashboards and alert rules');
  dashboards
    .command('build')
    .description('write grafana/dashboards/*.json and the alert rules from the code in src/dashboards')
    .option('--check', 'write nothing; exit 1 when a committed file differs from what the code generates (for CI)')
    .option('--root <dir>', 'repository root the files are written under (default: the working directory)')
    .action(async (flags: DashboardsFlags) => runBuild(flags));
}
