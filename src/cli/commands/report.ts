/** `tc9-obs report`: the performance, migration, journey and error views over a time window. */
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config.js';
import { UsageError } from '../errors.js';
import { parseInstant } from '../options.js';
import { withStore } from '../store.js';
import { collectViews, formatViews, VIEW_NAMES, type ViewName } from '../views.js';

interface ReportFlags {
  since: string;
  until: string;
  service?: string;
  format: 'table' | 'json';
  view?: string;
}

function viewNames(text: string | undefined): ViewName[] {
  if (!text) return [...VIEW_NAMES];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(VIEW_NAMES as readonly string[]).includes(n)) throw new UsageError(`unknown view "${n}" (views: ${VIEW_NAMES.join(', ')})`);
  }
  return names as ViewName[];
}

async function runReport(flags: ReportFlags): Promise<void> {
  // Both ends from one clock reading, so "--since 24h" is exactly 24 hours.
  const now = Date.now();
  const instant = (flag: string, text: string) => {
    try {
      return parseInstant(text, now);
    } catch (err) {
      throw new UsageError(`${flag}: ${(err as Error).message}`);
    }
  };
  const from = instant('--since', flags.since);
  const to = instant('--until', flags.until);
  if (from.getTime() >= to.getTime()) throw new UsageError(`--since (${from.toISOString()}) must be before --until (${to.toISOString()})`);
  const names = viewNames(flags.view);
  const config = loadConfig(process.env);
  const range = { from, to, service: flags.service };
  const views = await withStore(config, {}, (store) => collectViews(store, range, names));
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify({ from: from.toISOString(), to: to.toISOString(), service: flags.service ?? null, views }, null, 2)}\n`);
  } else {
    process.stdout.write(formatViews(views, range));
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('print the performance, migration, journey and error views of the store over a time window')
    .option('--since <when>', 'start of the window: a span back from now (30m, 24h, 7d, 2w) or an ISO date/time', '24h')
    .option('--until <when>', 'end of the window, same forms as --since', 'now')
    .option('--service <name>', 'only this service.name (performance and error views)')
    .option('--view <names>', `comma-separated views to print (${VIEW_NAMES.join(', ')}); default all`)
    .addOption(new Option('--format <format>', 'table for people, json for scripts').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      '\nReads the configured store (CLICKHOUSE_URL, else chDB under TC9_DATA_DIR). Empty tables say "no data in this window".\n' +
        'Examples:\n  tc9-obs report --since 7d\n  tc9-obs report --since 2025-01-01 --until 2025-01-31 --service migration-service --format json',
    )
    .action(async (flags: ReportFlags) => runReport(flags));
}
