/**
 * Creates the writer (collector, exporters) and read-only reader (Grafana) users from clickhouse/users/.
 * Server only: chDB has no access control. Passwords come from the caller (the CLI reads them from the
 * environment through config.ts); nothing with a password is ever written to disk.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expandStatements } from './ddl.js';
import { defaultSchemaDir } from './migrate.js';
import { DEFAULT_RETENTION } from './retention.js';
import type { Store } from './store.js';

export interface StoreUsers {
  writer: { name: string; password: string };
  reader: { name: string; password: string };
}

export function userStatements(
  database: string,
  cluster: string | undefined,
  users: StoreUsers,
  dir = join(defaultSchemaDir(), 'users'),
): string[] {
  for (const [role, u] of Object.entries(users)) {
    if (!u.password) throw new Error(`tc9-observability: no password for the ${role} user (${u.name})`);
  }
  const ctx = { database, cluster, retention: DEFAULT_RETENTION, users: { ...users } };
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => expandStatements(readFileSync(join(dir, f), 'utf8'), ctx));
}

export async function applyUsers(store: Store, users: StoreUsers): Promise<void> {
  if (store.kind === 'chdb')
    throw new Error('tc9-observability: users and grants apply to a ClickHouse server; the embedded store has no access control');
  for (const sql of userStatements(store.database, store.cluster, users)) await store.command(sql);
}
