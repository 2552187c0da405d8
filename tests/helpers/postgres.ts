import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** Base URL of the machine's PostgreSQL (trust auth); override with TEST_DATABASE_URL. */
export const POSTGRES_BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Creates a fresh, uniquely named database so test files can run side by side
 * without seeing each other's rows. Returns its URL and a drop function.
 */
export async function createTestDatabase(prefix = 'tc9_test'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_BASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(POSTGRES_BASE_URL, name),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_BASE_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
