/**
 * `tc9-obs gdpr export|delete --user <id>`: a data subject's access and erasure requests, over every table
 * that can hold the user (src/store/gdpr.ts), both recorded in gdpr_audit with a hash of the id.
 *
 * With TC9_PSEUDONYMIZE_KEY set the store holds pseudonyms, not ids: the given id is pseudonymised the same
 * way first (unless --as-stored), otherwise a request would silently find nothing.
 */
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { createPseudonymizer } from '../../privacy/pseudonymize.js';
import { deleteUser, exportUser, USER_DATA } from '../../store/gdpr.js';
import { quoteIdentifier } from '../../store/sql.js';
import type { Store } from '../../store/store.js';
import { CliFailure, UsageError } from '../errors.js';
import { withStore } from '../store.js';

interface GdprFlags {
  user: string;
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

async function runExport(flags: GdprFlags & { out?: string }): Promise<void> {
  const config = loadConfig(process.env);
  const user = storedId(config, flags);
  const data = await withStore(config, {}, (store) => exportUser(store, user, flags.by ?? defaultActor()));
  const json = `${JSON.stringify({ userId: user, ...data }, null, 2)}\n`;
  if (!flags.out) {
    process.stdout.write(json);
    return;
  }
  // Personal data: readable by the owner only.
  writeFileSync(resolve(flags.out), json, { mode: 0o600 });
  const counts = Object.fromEntries(Object.entries(data.tables).map(([t, rows]) => [t, rows.length]));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
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
  const config = loadConfig(process.env);
  const user = storedId(config, flags);
  await withStore(config, {}, async (store) => {
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

export function registerGdpr(program: Command): void {
  const gdpr = program.command('gdpr').description("a user's data: export it (right of access) or delete it (right to erasure)");

  gdpr
    .command('export')
    .description('write every row held for a user as JSON (to stdout, or --out file)')
    .requiredOption('--user <id>', 'the user id (user.id / user_id)')
    .option('--out <file>', 'write the JSON to this file (mode 600) instead of stdout')
    .option('--by <actor>', 'who asks, for the audit record (default tc9-obs:<login>)')
    .option('--as-stored', 'the id is already as stored (do not pseudonymise it with TC9_PSEUDONYMIZE_KEY)')
    .addHelpText('after', '\nExample:\n  tc9-obs gdpr export --user 42 --out user-42.json --by dpo@example.com')
    .action(async (flags: GdprFlags & { out?: string }) => runExport(flags));

  gdpr
    .command('delete')
    .description('delete every row held for a user, physically and on every replica, and record it in gdpr_audit')
    .requiredOption('--user <id>', 'the user id (user.id / user_id)')
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .option('--by <actor>', 'who asks, for the audit record (default tc9-obs:<login>)')
    .option('--as-stored', 'the id is already as stored (do not pseudonymise it with TC9_PSEUDONYMIZE_KEY)')
    .addHelpText('after', '\nExample:\n  tc9-obs gdpr delete --user 42 --yes --by dpo@example.com')
    .action(async (flags: GdprFlags & { yes?: boolean }) => runDelete(flags));
}
