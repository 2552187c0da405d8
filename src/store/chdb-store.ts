/**
 * The embedded backend: the ClickHouse engine in-process through chDB.
 *
 * chDB runs one engine per process and accepts one data directory at a time; several sessions on the
 * same directory coexist, each with its own current database and settings. So each store opens its own
 * session on the shared directory, and stores for different databases (e.g. one per test) can live side
 * by side, but opening a second directory while a store is open fails with a clear error.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Session } from 'chdb';
import { quoteIdentifier } from './sql.js';
import { COMMON_SETTINGS, StoreError, type QueryParams, type Store } from './store.js';

/** Loaded on first use: the engine is a large native library that server-backed processes never need. */
function openSession(dir: string): Session {
  const chdb = createRequire(import.meta.url)('chdb') as typeof import('chdb');
  return new chdb.Session(dir);
}

export interface ChdbStoreOptions {
  dataDir: string;
  database: string;
  cluster?: string | undefined;
}

export class ChdbStore implements Store {
  readonly kind = 'chdb' as const;
  readonly database: string;
  readonly cluster: string | undefined;
  readonly dataDir: string;
  #session: Session | undefined;

  constructor(options: ChdbStoreOptions) {
    this.database = options.database;
    this.cluster = options.cluster;
    this.dataDir = resolve(options.dataDir);
    mkdirSync(this.dataDir, { recursive: true });
    try {
      this.#session = openSession(this.dataDir);
    } catch (err) {
      throw new StoreError('chdb', `open ${this.dataDir}`, err);
    }
    const db = quoteIdentifier(this.database);
    this.#run(`CREATE DATABASE IF NOT EXISTS ${db}`);
    this.#run(`USE ${db}`);
    for (const [name, value] of Object.entries(COMMON_SETTINGS)) this.#run(`SET ${name} = ${value}`);
  }

  #open(sql: string): Session {
    if (!this.#session) throw new StoreError('chdb', sql, new Error('store is closed'));
    return this.#session;
  }

  /** Synchronous statement, only for session setup (the engine is not busy yet). */
  #run(sql: string): void {
    try {
      this.#open(sql).query(sql, 'JSONEachRow');
    } catch (err) {
      throw new StoreError('chdb', sql, err);
    }
  }

  async ensureDatabase(): Promise<void> {
    await this.command(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(this.database)}`);
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    await this.#text(sql, params);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]> {
    const text = await this.#text(sql, params);
    const rows: T[] = [];
    for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line) as T);
    return rows;
  }

  async #text(sql: string, params?: QueryParams): Promise<string> {
    const session = this.#open(sql);
    try {
      const result =
        params && Object.keys(params).length > 0
          ? await session.queryBindAsync(sql, params, { format: 'JSONEachRow' })
          : await session.queryAsync(sql, { format: 'JSONEachRow' });
      return result.text();
    } catch (err) {
      throw new StoreError('chdb', sql, err);
    }
  }

  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const session = this.#open(`INSERT INTO ${table}`);
    const payload = Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'));
    try {
      await session.insert({ table, values: payload, format: 'JSONEachRow' });
    } catch (err) {
      throw new StoreError('chdb', `INSERT INTO ${table} FORMAT JSONEachRow`, err);
    }
  }

  async close(): Promise<void> {
    this.#session?.close();
    this.#session = undefined;
  }
}
