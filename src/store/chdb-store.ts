/**
 * The embedded backend: the ClickHouse engine in-process through chDB.
 *
 * chDB runs one engine per process and accepts one data directory at a time; several sessions on the
 * same directory coexist, each with its own current database and settings. So each store opens its own
 * session on the shared directory, and stores for different databases (e.g. one per test) can live side
 * by side, but opening a second directory while a store is open fails with a clear error.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Session } from 'chdb';
import { quoteIdentifier, quoteString } from './sql.js';
import { COMMON_SETTINGS, StoreError, type QueryParams, type Store } from './store.js';

/** Loaded on first use: the engine is a large native library that server-backed processes never need. */
function openSession(dir: string): Session {
  const chdb = createRequire(import.meta.url)('chdb') as typeof import('chdb');
  return new chdb.Session(dir);
}

/** Spool file names are unique per process: several stores may share one directory and database. */
let spooled = 0;

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
  /** Spooled insert files of this store: one per insert, removed once the insert is done. */
  #spool: string | undefined;

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
    await this.insertJson(table, rows.map((r) => JSON.stringify(r)).join('\n'));
  }

  /**
   * Inserts JSONEachRow text through a spool file read by file(): the engine parses a file several times
   * faster than the same bytes inlined after INSERT ... FORMAT (about 2x in the analytics benchmark's raw baseline),
   * and both the write and the insert run off the event loop. Omitted columns still get their DEFAULTs.
   */
  async insertJson(table: string, json: string): Promise<void> {
    if (json.length === 0) return;
    const sql = `INSERT INTO ${table.split('.').map(quoteIdentifier).join('.')} SELECT * FROM file`;
    const session = this.#open(sql);
    if (!this.#spool) {
      this.#spool = join(this.dataDir, 'tc9-insert-staging');
      mkdirSync(this.#spool, { recursive: true });
      removeOrphans(this.#spool);
    }
    const file = join(this.#spool, `${process.pid}-${++spooled}.jsonl`);
    try {
      await writeFile(file, json);
      await session.queryAsync(`${sql}(${quoteString(file)}, 'JSONEachRow')`, { format: 'JSONEachRow' });
    } catch (err) {
      throw new StoreError('chdb', `${sql}(<spool>, 'JSONEachRow')`, err);
    } finally {
      await rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    this.#session?.close();
    this.#session = undefined;
  }
}

/** Staging files of processes that died mid-insert (named <pid>-<n>.jsonl): their batch is lost anyway. */
export function removeOrphans(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) rmSync(join(dir, name), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
