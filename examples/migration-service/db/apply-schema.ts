import { readFile } from 'node:fs/promises';
import type pg from 'pg';

/**
 * Where db/schema.sql is: next to this module (source tree, or dist/ where the build copies it: see
 * scripts/prisma-generate.mjs), else back in the source tree from dist/examples/migration-service/db/.
 */
const SCHEMA_SQL_CANDIDATES = [
  new URL('./schema.sql', import.meta.url),
  new URL('../../../../examples/migration-service/db/schema.sql', import.meta.url),
];

// Any constant works; it only has to be the same for every instance of the service.
const SCHEMA_LOCK_KEY = 0x7c9_5c4e;

/**
 * Applies db/schema.sql. Every statement in it is idempotent, and an advisory lock serialises instances that
 * start at the same time against one database (concurrent CREATE TYPE / CREATE TABLE IF NOT EXISTS can still
 * collide in the catalogs).
 */
export async function applySchema(pool: pg.Pool, sql?: string): Promise<void> {
  const script = sql ?? (await readSchemaSql());
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    await client.query(script);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function readSchemaSql(): Promise<string> {
  for (const candidate of SCHEMA_SQL_CANDIDATES) {
    try {
      return await readFile(candidate, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`migration-service: db/schema.sql not found (looked at ${SCHEMA_SQL_CANDIDATES.map((u) => u.pathname).join(', ')})`);
}
