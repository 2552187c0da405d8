/**
 * Applies the numbered SQL files under clickhouse/ in order and records each in schema_migrations
 * (version, name, checksum of the file text, applied_at). Every statement is idempotent, so a second run,
 * or two at once, changes nothing; a file edited after it was applied is refused rather than half-applied.
 * Retention days are placeholders, not part of the checksum: changing them is not schema drift.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandStatements, type DdlContext } from './ddl.js';
import { DEFAULT_RETENTION, validateRetention, type RetentionConfig } from './retention.js';
import type { Store } from './store.js';

export interface Migration {
  version: number;
  name: string;
  checksum: string;
  text: string;
}

export interface MigrateOptions {
  /** Cluster to create the schema on (default: the store's). */
  cluster?: string | undefined;
  retention?: RetentionConfig;
  /** Directory of the numbered files (default: the package's clickhouse/). */
  schemaDir?: string;
  log?: (message: string) => void;
}

export interface MigrateResult {
  applied: Array<Pick<Migration, 'version' | 'name'>>;
  unchanged: Array<Pick<Migration, 'version' | 'name'>>;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** The package's clickhouse/ directory, found upward from this module (src/ in tests, dist/src/ when built). */
export function defaultSchemaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'clickhouse');
    if (existsSync(join(candidate, '000_schema_migrations.sql'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new MigrationError('tc9-observability: clickhouse/ schema directory not found');
    dir = parent;
  }
}

export function loadMigrations(dir: string = defaultSchemaDir()): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = FILE.exec(file);
    if (!m) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const version = Number(m[1]);
    if (migrations.some((x) => x.version === version)) throw new MigrationError(`tc9-observability: two schema files numbered ${m[1]}`);
    migrations.push({ version, name: m[2] ?? '', text, checksum: createHash('sha256').update(text).digest('hex') });
  }
  if (migrations[0]?.version !== 0) throw new MigrationError(`tc9-observability: ${dir} has no 000_schema_migrations.sql`);
  return migrations;
}

/** The statements each migration runs for a deployment, without running them (for review and tests). */
export function planMigrations(migrations: Migration[], ctx: DdlContext): Array<{ version: number; name: string; statements: string[] }> {
  validateRetention(ctx.retention);
  return migrations.map((m) => ({ version: m.version, name: m.name, statements: expandStatements(m.text, ctx) }));
}

export async function migrate(store: Store, options: MigrateOptions = {}): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const ctx: DdlContext = {
    database: store.database,
    cluster: options.cluster ?? store.cluster,
    retention: options.retention ?? DEFAULT_RETENTION,
  };
  const migrations = loadMigrations(options.schemaDir ?? defaultSchemaDir());
  const plan = planMigrations(migrations, ctx);
  const checksums = new Map(migrations.map((m) => [m.version, m.checksum]));

  await store.ensureDatabase();
  // 000 creates schema_migrations itself, so it runs before anything can be looked up.
  for (const sql of plan[0]?.statements ?? []) await store.command(sql);

  const recorded = new Map(
    (await store.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations FINAL')).map((r) => [
      Number(r.version),
      r.checksum,
    ]),
  );
  const result: MigrateResult = { applied: [], unchanged: [] };
  for (const step of plan) {
    const checksum = checksums.get(step.version) ?? '';
    const previous = recorded.get(step.version);
    if (previous === checksum) {
      result.unchanged.push({ version: step.version, name: step.name });
      continue;
    }
    if (previous !== undefined) {
      throw new MigrationError(
        `tc9-observability: schema file ${String(step.version).padStart(3, '0')}_${step.name}.sql changed after it was applied; add a new numbered file instead`,
      );
    }
    if (step.version !== 0) for (const sql of step.statements) await store.command(sql);
    await store.insert('schema_migrations', [{ version: step.version, name: step.name, checksum }]);
    log(`applied ${String(step.version).padStart(3, '0')}_${step.name}`);
    result.applied.push({ version: step.version, name: step.name });
  }
  return result;
}
