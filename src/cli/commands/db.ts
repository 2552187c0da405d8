/**
 * `tc9-obs db migrate` applies clickhouse/*.sql to the configured store; `tc9-obs db users` creates the
 * writer (collector, exporters) and read-only reader (Grafana) users on a ClickHouse server.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { loadMigrations, migrate, MigrationError, planMigrations } from '../../store/migrate.js';
import { applyUsers, userStatements, type StoreUsers } from '../../store/users.js';
import { CliFailure } from '../errors.js';
import { isUnknownDatabase, migrationFile, recordedVersions } from '../schema.js';
import { DATA_DIR_FLAGS, DATA_DIR_HELP, describeStore, storeConfig, withDataDir, withStore } from '../store.js';

const file = migrationFile;
const print = (line: string) => process.stdout.write(`${line}\n`);

interface MigrateFlags {
  cluster?: string;
  dataDir?: string;
  dryRun?: boolean;
  verbose?: boolean;
}

async function dryRun(config: Config, flags: MigrateFlags): Promise<void> {
  const target = storeConfig(config, { cluster: flags.cluster });
  const migrations = loadMigrations();
  const plan = planMigrations(migrations, { database: target.database, cluster: target.cluster, retention: config.store.retention });
  // A missing chDB directory means nothing is applied; opening the store would create it.
  const recorded =
    !target.clickhouseUrl && !existsSync(target.dataDir)
      ? new Map<number, string>()
      : await withStore(config, { cluster: flags.cluster }, async (store) => {
          try {
            return await recordedVersions(store);
          } catch (err) {
            if (isUnknownDatabase(err)) return new Map<number, string>();
            throw err;
          }
        });
  print(`dry run on ${describeStore(target)}: nothing is changed`);
  let pending = 0;
  for (const [i, step] of plan.entries()) {
    const previous = recorded.get(step.version);
    const migration = migrations[i]!;
    if (previous === migration.checksum) {
      print(`skip      ${file(step)} (applied)`);
      continue;
    }
    if (previous !== undefined) {
      throw new MigrationError(
        `tc9-observability: schema file ${file(step)}.sql changed after it was applied; add a new numbered file instead`,
      );
    }
    pending++;
    print(`would run ${file(step)} (${step.statements.length} statement${step.statements.length === 1 ? '' : 's'})`);
    if (flags.verbose) for (const sql of step.statements) print(`${sql.replace(/^/gm, '    ')};`);
  }
  print(pending === 0 ? 'schema is up to date' : `${pending} migration${pending === 1 ? '' : 's'} to apply: run tc9-obs db migrate`);
}

async function runMigrate(flags: MigrateFlags): Promise<void> {
  const config = loadConfig(withDataDir(process.env, flags.dataDir));
  if (flags.dryRun) return dryRun(config, flags);
  const target = storeConfig(config, { cluster: flags.cluster });
  print(`migrating ${describeStore(target)}`);
  const result = await withStore(config, { cluster: flags.cluster }, (store) =>
    migrate(store, { cluster: target.cluster, retention: config.store.retention, log: (m) => print(m) }),
  );
  for (const m of result.unchanged) print(`skipped ${file(m)} (already applied)`);
  print(`${result.applied.length} applied, ${result.unchanged.length} skipped: schema is up to date`);
}

interface UsersFlags {
  cluster?: string;
  dryRun?: boolean;
}

function usersOf(config: Config): StoreUsers {
  const missing = [
    !config.store.writerPassword && 'CLICKHOUSE_WRITER_PASSWORD',
    !config.store.readerPassword && 'CLICKHOUSE_READER_PASSWORD',
  ].filter(Boolean);
  if (missing.length > 0)
    throw new CliFailure(
      `error: no password for the ${missing.length === 2 ? 'writer and reader users' : missing[0] === 'CLICKHOUSE_WRITER_PASSWORD' ? 'writer user' : 'reader user'}\nfix: set ${missing.join(' and ')}`,
    );
  return {
    writer: { name: config.store.writerUser, password: config.store.writerPassword! },
    reader: { name: config.store.readerUser, password: config.store.readerPassword! },
  };
}

async function runUsers(flags: UsersFlags): Promise<void> {
  const config = loadConfig(process.env);
  const users = usersOf(config);
  if (flags.dryRun) {
    const target = { ...config.store, cluster: flags.cluster ?? config.store.cluster };
    const masked: StoreUsers = { writer: { ...users.writer, password: '********' }, reader: { ...users.reader, password: '********' } };
    print(`dry run: statements for ${describeStore(target)} (passwords masked)`);
    for (const sql of userStatements(target.database, target.cluster, masked)) print(`${sql};`);
    return;
  }
  if (!config.store.clickhouseUrl) {
    throw new CliFailure(
      'error: db users needs a ClickHouse server: the embedded store (chDB) has no users or grants\nfix: set CLICKHOUSE_URL (and CLICKHOUSE_USER/CLICKHOUSE_PASSWORD of an admin)',
    );
  }
  const target = storeConfig(config, { cluster: flags.cluster });
  await withStore(config, { cluster: flags.cluster }, (store) => applyUsers(store, users));
  print(`users on ${describeStore(target)}:`);
  print(`  ${users.writer.name}  writer: SELECT, INSERT, SHOW COLUMNS on ${target.database}.*`);
  print(`  ${users.reader.name}  reader: SELECT on ${target.database}.* (readonly = 2)`);
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('ClickHouse schema and users of the configured store');

  db.command('migrate')
    .description('apply clickhouse/*.sql to the store (CLICKHOUSE_URL, else chDB under TC9_DATA_DIR); idempotent')
    .option('--cluster <name>', 'create the schema ON CLUSTER <name> with replicated tables (server only; default CLICKHOUSE_CLUSTER)')
    .option('--dry-run', 'list what would be applied without changing anything (--verbose: with the statements)')
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .addHelpText(
      'after',
      '\nPrints each applied and skipped schema version. Retention days come from TC9_RETENTION_*_DAYS.\n' +
        'Examples:\n  tc9-obs db migrate\n  CLICKHOUSE_URL=http://localhost:8123 tc9-obs db migrate --cluster prod --dry-run',
    )
    .action(async (flags: MigrateFlags, cmd: Command) => runMigrate({ ...flags, verbose: Boolean(cmd.optsWithGlobals().verbose) }));

  db.command('users')
    .description('create the writer and read-only reader users with their grants (ClickHouse server only)')
    .option('--cluster <name>', 'create them ON CLUSTER <name> (default CLICKHOUSE_CLUSTER)')
    .option('--dry-run', 'print the statements with the passwords masked, without connecting')
    .addHelpText(
      'after',
      '\nUser names: CLICKHOUSE_WRITER_USER (default tc9_writer), CLICKHOUSE_READER_USER (default tc9_reader).\n' +
        'Passwords: CLICKHOUSE_WRITER_PASSWORD, CLICKHOUSE_READER_PASSWORD (required; never written to disk).\n' +
        'Connects as CLICKHOUSE_USER / CLICKHOUSE_PASSWORD, which needs the right to create users and grant.',
    )
    .action(async (flags: UsersFlags) => runUsers(flags));
}
