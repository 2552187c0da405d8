/** `tc9-obs report`: the performance, migration, journey and error views over a time window. */
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config.js';
import { UsageError } from '../errors.js';
import { parseWindow } from '../options.js';
import { DATA_DIR_FLAGS, DATA_DIR_HELP, withDataDir, withExistingStore } from '../store.js';
import { collectViews, formatViews, VIEW_NAMES, type ViewName } from '../views.js';

interface ReportFlags {
  since: string;
  until: string;
  service?: string;
  format: 'table' | 'json';
  view?: string;
  dataDir?: string;
}

function viewNames(text: string | undefined): ViewName[] {
  if (!text) return [...VIEW_NAMES];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(VIEW_NAMES as readonly string[]).includes(n)) throw new UsageError(`unknown view "${n}" (views: ${VIEW_NAMES.join(', ')})`);
  }
  return names as ViewName[];
}

async function runReport(flags: ReportFlags): Promise<void> {
  const { from, to } = parseWindow(flags.since, flags.until);
  const names = viewNames(flags.view);
  const env = withDataDir(process.env, flags.dataDir);
  const config = loadConfig(env);
  const range = { from, to, service: flags.service };
  const views = await withExistingStore(env, config, 'read', (store) => collectViews(store, range, names));
  if (flags.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ from: from.toISOString(), to: to.toISOString(), service: flags.service ?? null, views }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(formatViews(views, range));
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('print the performance, migration, journey and error views of the store over a time window')
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .option('--since <when>', 'start of the window: a span back from now (30m, 24h, 7d, 2w) or an ISO date/time', '24h')
    .option('--until <when>', 'end of the window, same forms as --since', 'now')
    .option('--service <name>', 'only this service.name (performance and error views)')
    .option('--view <names>', `comma-separated views to print (${VIEW_NAMES.join(', ')}); default all`)
    .addOption(new Option('--format <format>', 'table for people, json for scripts').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      '\nReads the configured store: CLICKHOUSE_URL, else chDB under --data-dir / TC9_DATA_DIR (default .tc9/data; when that holds\n' +
        "no store, the demo's, .tc9/demo/store). A store a running app holds open is read through a copy. Empty tables say\n" +
        '"no data in this window".\n' +
        'Examples:\n  tc9-obs report --since 7d\n  tc9-obs report --since 1h --data-dir .tc9/demo/store\n  tc9-obs report --since 2025-01-01 --until 2025-01-31 --service migration-service --format json',
    )
    .action(async (flags: ReportFlags) => runReport(flags));
}
