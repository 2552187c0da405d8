/**
 * `tc9-obs gdpr export|delete --user <id>`: a data subject's access and erasure requests, over every table
 * that can hold the user (src/store/gdpr.ts), both recorded in gdpr_audit with a hash of the id.
 * `tc9-obs gdpr users`: the user ids the store holds, to find the one a request is about.
 *
 * With TC9_PSEUDONYMIZE_KEY set the store holds pseudonyms, not ids: the given id is pseudonymised the same
 * way first (unless --as-stored), otherwise a request would silently find nothing.
 */
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { createPseudonymizer } from '../../privacy/pseudonymize.js';
import { deleteUser, exportUser, USER_DATA } from '../../store/gdpr.js';
import { quoteIdentifier } from '../../store/sql.js';
import type { Store } from '../../store/store.js';
import { CliFailure, EXIT_NO_DATA, UsageError } from '../errors.js';
import { parseWindow } from '../options.js';
import { DATA_DIR_FLAGS, DATA_DIR_HELP, describeStore, withDataDir, withExistingStore } from '../store.js';
import { renderTable } from '../table.js';

interface GdprFlags {
  user: string;
  dataDir?: string;
  by?: string;
  asStored?: boolean;
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const print = (line: string) => process.stdout.write(`${line}\n`);

function defaultActor(): string {
  try {
    return `tc9-obs:${userInfo().username}`;
  } catch {
    return 'tc9-obs';
  }
}

/** The id as the store holds it. */
function storedId(config: Config, flags: GdprFlags): string {
  const id = flags.user.trim();
  if (!id) throw new UsageError('--user needs a non-empty user id');
  if (!config.privacy.pseudonymizeKey || flags.asStored) return id;
  say('user id pseudonymised with TC9_PSEUDONYMIZE_KEY, as the store holds it (--as-stored to skip)');
  return createPseudonymizer(config.privacy.pseudonymizeKey)(id);
}

async function rowCounts(store: Store, user: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { table, where } of USER_DATA) {
    const [row] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${quoteIdentifier(table)} WHERE ${where}`, { user });
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => `  ${table}: ${n}`);

/** Why an export needs the store itself, not a copy a running app's store could be read through. */
const EXPORT_WRITES = 'an export records an audit row (gdpr_audit) in the store itself';

async function runExport(flags: GdprFlags & { out?: string }): Promise<void> {
  const env = withDataDir(process.env, flags.dataDir);
  const config = loadConfig(env);
  const user = storedId(config, flags);
  const data = await withExistingStore(env, config, { writes: EXPORT_WRITES }, (store) =>
    exportUser(store, user, flags.by ?? defaultActor()),
  );
  const counts = Object.fromEntries(Object.entries(data.tables).map(([t, rows]) => [t, rows.length]));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) {
    // Still a complete answer (the store holds nothing for this id) and still audited, but a script must be able
    // to tell it from an export with data, and a person a typo or the wrong store from a user with no data.
    say(`warning: no rows held for user ${flags.user} in ${describeStore(config.store)} (${Object.keys(counts).length} tables searched)`);
    say('  if rows were expected: check the id (with TC9_PSEUDONYMIZE_KEY set, ids are looked up as pseudonyms; --as-stored skips that)');
    say('  and the store (--data-dir / TC9_DATA_DIR, CLICKHOUSE_URL); tc9-obs gdpr users lists the ids it holds');
    process.exitCode = EXIT_NO_DATA;
  }
  const json = `${JSON.stringify({ userId: user, ...data }, null, 2)}\n`;
  if (!flags.out) {
    process.stdout.write(json);
    return;
  }
  // Personal data: readable by the owner only.
  writeFileSync(resolve(flags.out), json, { mode: 0o600 });
  print(`exported ${total} row${total === 1 ? '' : 's'} of user ${flags.user} to ${resolve(flags.out)}`);
  for (const line of describeCounts(counts)) print(line);
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function runDelete(flags: GdprFlags & { yes?: boolean }): Promise<void> {
  if (!flags.yes && !process.stdin.isTTY) {
    throw new UsageError('refusing to delete without confirmation: stdin is not a terminal, pass --yes');
  }
  const env = withDataDir(process.env, flags.dataDir);
  const config = loadConfig(env);
  const user = storedId(config, flags);
  await withExistingStore(env, config, { writes: 'deleting changes the store itself' }, async (store) => {
    if (!flags.yes) {
      const counts = await rowCounts(store, user);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      // Nothing to lose: no question, but the request is still carried out and audited.
      if (total > 0) {
        say(`user ${flags.user} has ${total} row${total === 1 ? '' : 's'} in the store:`);
        for (const line of describeCounts(counts)) say(line);
        if (!(await confirm('delete them permanently? [y/N] '))) throw new CliFailure('cancelled: nothing deleted');
      }
    }
    const result = await deleteUser(store, user, flags.by ?? defaultActor());
    print(`deleted ${result.totalRows} row${result.totalRows === 1 ? '' : 's'} of user ${flags.user}`);
    for (const line of describeCounts(result.rowCounts)) print(line);
    print(`recorded in gdpr_audit as ${result.userHash}`);
  });
}

/**
 * Where user ids are: the OTel tables (attribute user.id) and the event tables the views fill from them, each
 * with its time column. The day tables (user_activity_days, sessions, ...) are filled from user_activities and
 * hold no id it does not.
 */
const USER_SOURCES: ReadonlyArray<{ table: string; id: string; time: string }> = [
  { table: 'otel_logs', id: "LogAttributes['user.id']", time: 'Timestamp' },
  { table: 'otel_traces', id: "SpanAttributes['user.id']", time: 'Timestamp' },
  ...['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'].map((kind) => ({
    table: `otel_metrics_${kind}`,
    id: "Attributes['user.id']",
    time: 'TimeUnix',
  })),
  { table: 'user_activities', id: 'user_id', time: 'created_at' },
  { table: 'application_errors', id: 'user_id', time: 'created_at' },
  { table: 'performance_metrics', id: 'user_id', time: 'created_at' },
  { table: 'migration_runs', id: 'user_id', time: 'started_at' },
];

interface UsersFlags {
  since: string;
  until: string;
  limit: string;
  format: 'table' | 'json';
  dataDir?: string;
}

interface UserRow {
  user_id: string;
  rows: number;
  first_seen: string;
  last_seen: string;
}

async function runUsers(flags: UsersFlags): Promise<void> {
  const { from, to } = parseWindow(flags.since, flags.until);
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive whole number, got "${flags.limit}"`);
  const env = withDataDir(process.env, flags.dataDir);
  const config = loadConfig(env);
  const parts = USER_SOURCES.map(
    ({ table, id, time }) =>
      `SELECT ${id} AS user_id, count() AS n, min(${time}) AS first, max(${time}) AS last FROM ${quoteIdentifier(table)} ` +
      `WHERE ${time} >= fromUnixTimestamp64Milli({from:Int64}) AND ${time} < fromUnixTimestamp64Milli({to:Int64}) AND user_id != '' GROUP BY user_id`,
  );
  const sql =
    `SELECT user_id, sum(n) AS rows, toString(min(first), 'UTC') AS first_seen, toString(max(last), 'UTC') AS last_seen FROM (${parts.join(' UNION ALL ')}) ` +
    'GROUP BY user_id ORDER BY max(last) DESC, user_id LIMIT {limit:UInt32}';
  const users = await withExistingStore(env, config, 'read', (store) =>
    store.query<UserRow>(sql, { from: from.getTime(), to: to.getTime(), limit }),
  );
  if (flags.format === 'json') {
    process.stdout.write(
      `${JSON.stringify(
        users.map((u) => ({ ...u, rows: Number(u.rows) })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (users.length === 0) {
    say(`no user ids in this window (${from.toISOString()} to ${to.toISOString()})`);
    return;
  }
  const table = renderTable(
    ['user_id', 'rows', 'first_seen', 'last_seen'],
    users.map((u) => [u.user_id, String(u.rows), u.first_seen.slice(0, 19), u.last_seen.slice(0, 19)]),
    { align: ['left', 'right', 'left', 'left'] },
  );
  process.stdout.write(`${table}\n`);
  if (users.length === limit) say(`(first ${limit} by last seen; --limit for more)`);
}

export function registerGdpr(program: Command): void {
  const gdpr = program
    .command('gdpr')
    .description("a user's data: find the id (users), export it (right of access) or delete it (right to erasure)");

  gdpr
    .command('export')
    .description('write every row held for a user as JSON (to stdout, or --out file)')
    .requiredOption('--user <id>', 'the user id (user.id / user_id)')
    .option('--out <file>', 'write the JSON to this file (mode 600) instead of stdout')
    .option('--by <actor>', 'who asks, for the audit record (default tc9-obs:<login>)')
    .option('--as-stored', 'the id is already as stored (do not pseudonymise it with TC9_PSEUDONYMIZE_KEY)')
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .addHelpText(
      'after',
      '\nExit code 3 (with a warning on stderr, and the empty export still written and audited) when the store holds no\n' +
        'rows for the user: the request is answered, with nothing; 0 when rows were exported, 1 on a failure.\n' +
        'Example:\n  tc9-obs gdpr export --user 42 --out user-42.json --by dpo@example.com',
    )
    .action(async (flags: GdprFlags & { out?: string }) => runExport(flags));

  gdpr
    .command('delete')
    .description('delete every row held for a user, physically and on every replica, and record it in gdpr_audit')
    .requiredOption('--user <id>', 'the user id (user.id / user_id)')
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .option('--by <actor>', 'who asks, for the audit record (default tc9-obs:<login>)')
    .option('--as-stored', 'the id is already as stored (do not pseudonymise it with TC9_PSEUDONYMIZE_KEY)')
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .addHelpText('after', '\nExample:\n  tc9-obs gdpr delete --user 42 --yes --by dpo@example.com')
    .action(async (flags: GdprFlags & { yes?: boolean }) => runDelete(flags));

  gdpr
    .command('users')
    .description('list the user ids the store holds (most recently seen first), to find the one a request is about')
    .option('--since <when>', 'seen since: a span back from now (30m, 24h, 7d) or an ISO date/time', '30d')
    .option('--until <when>', 'seen before, same forms as --since', 'now')
    .option('--limit <n>', 'at most this many ids', '1000')
    .addOption(new Option('--format <format>', 'table for people, json for scripts').choices(['table', 'json']).default('table'))
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .addHelpText(
      'after',
      '\nrows: rows in the OTel and event tables in the window; first_seen and last_seen in UTC. Ids are as stored: pseudonyms when TC9_PSEUDONYMIZE_KEY is set\n' +
        '(give those to export and delete with --as-stored).\n' +
        'Example:\n  tc9-obs gdpr users --since 7d\n  tc9-obs gdpr export --user <id> --out user.json',
    )
    .action(async (flags: UsersFlags) => runUsers(flags));
}
