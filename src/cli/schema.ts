/** What the store's schema_migrations says, for `db migrate --dry-run` and `doctor`. */
import { loadMigrations, type Migration } from '../store/migrate.js';
import type { Store } from '../store/store.js';

/** Versions recorded in schema_migrations with their checksums; empty when the table does not exist yet. */
export async function recordedVersions(store: Store): Promise<Map<number, string>> {
  const [exists] = await store.query<{ n: number }>(
    "SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = 'schema_migrations'",
    { db: store.database },
  );
  if (!Number(exists?.n)) return new Map();
  const rows = await store.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations FINAL');
  return new Map(rows.map((r) => [Number(r.version), r.checksum]));
}

/** The HTTP interface refuses any statement bound to a database that does not exist yet. */
export const isUnknownDatabase = (err: unknown) =>
  /UNKNOWN_DATABASE|Database \S+ does(n't| not) exist/i.test(String((err as Error)?.message ?? err));

export interface SchemaState {
  migrations: Migration[];
  pending: Migration[];
  /** Applied, but the file changed since: migrate refuses these. */
  changed: Migration[];
}

export function schemaState(recorded: Map<number, string>, migrations: Migration[] = loadMigrations()): SchemaState {
  return {
    migrations,
    pending: migrations.filter((m) => !recorded.has(m.version)),
    changed: migrations.filter((m) => recorded.has(m.version) && recorded.get(m.version) !== m.checksum),
  };
}

export const migrationFile = (m: { version: number; name: string }) => `${String(m.version).padStart(3, '0')}_${m.name}`;
