/**
 * A throwaway PostgreSQL database for the service benchmarks, as tests/helpers/postgres.ts makes them for
 * tests: created on the machine's server (DATABASE_URL, default the service's), dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowawayDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createThrowawayDatabase(
  baseUrl = process.env.DATABASE_URL || DEFAULT_POSTGRES_URL,
  prefix = 'tc9_bench',
): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(baseUrl, name),
    name,
    drop: () => admin(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** e.g. "PostgreSQL 15.20" (for the notes). */
export async function serverVersion(baseUrl = process.env.DATABASE_URL || DEFAULT_POSTGRES_URL): Promise<string> {
  return admin(
    baseUrl,
    async (c) => `PostgreSQL ${(await c.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?'}`,
  );
}
