/**
 * The embedded backend: the ClickHouse engine in-process through chDB.
 *
 * chDB runs one engine per process and accepts one data directory at a time; several sessions on the
 * same directory coexist, each with its own current database and settings. So each store opens its own
 * session on the shared directory, and stores for different databases (e.g. one per test) can live side
 * by side, but opening a second directory while a store is open fails with a clear error.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Session } from 'chdb';
import { quoteIdentifier, quoteString, sqlLiteral } from './sql.js';
import { COMMON_SETTINGS, StoreError, type QueryParams, type SharedColumns, type Store } from './store.js';

/** Loaded on first use: the engine is a large native library that server-backed processes never need. */
function openSession(dir: string): Session {
  let chdb: typeof import('chdb');
  try {
    chdb = createRequire(import.meta.url)('chdb') as typeof import('chdb');
  } catch (error) {
    // An optional peer dependency: a service that exports to a collector never needs the engine (~550 MB).
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      'tc9-observability: the embedded store (TC9_EXPORTER=store, or the tc9-obs CLI without CLICKHOUSE_URL) needs chDB, ' +
        'the ClickHouse engine as a library, which is not installed. Install it with `npm install chdb` (about 550 MB), ' +
        'or set CLICKHOUSE_URL to use a ClickHouse server instead.',
      { cause: error },
    );
  }
  return new chdb.Session(dir);
}

/**
 * A spool insert reads its file on one thread: the engine lives inside the application's process, next to
 * its event loop, and on two cores the parallel parsing and pipeline threads cost more CPU than they save
 * (a 50,000-row insert into otel_logs: 9.3 µs of CPU a row with the defaults, 6 µs on one thread, and no
 * slower by the clock).
 */
const SPOOL_INSERT_SETTINGS = 'SETTINGS max_threads = 1, max_insert_threads = 1, input_format_parallel_parsing = 0';

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
   * and both the write and the insert run off the event loop. Without `shared`, omitted columns still get their
   * DEFAULTs. With `shared`, the file holds the other columns and the shared values go into the statement
   * once, as constants (an event's resource and scope are ~2/3 of its row: per row they cost serialising
   * and parsing the same map again).
   */
  async insertJson(table: string, json: string | readonly Uint8Array[], shared?: SharedColumns): Promise<void> {
    if (json.length === 0) return;
    const target = table.split('.').map(quoteIdentifier).join('.');
    const session = this.#open(target);
    if (!this.#spool) {
      this.#spool = join(this.dataDir, 'tc9-insert-staging');
      mkdirSync(this.#spool, { recursive: true });
      removeOrphans(this.#spool);
    }
    const file = join(this.#spool, `${process.pid}-${++spooled}.jsonl`);
    let sql = `INSERT INTO ${target} SELECT * FROM file(<spool>, 'JSONEachRow')`;
    try {
      await writeSpool(file, json);
      if (shared && Object.keys(shared).length > 0) {
        const insert = await this.#sharedInsert(table, target, shared, file);
        sql = insert.replace(quoteString(file), '<spool>');
        await session.queryAsync(insert, { format: 'JSONEachRow' });
      } else {
        await session.queryAsync(`INSERT INTO ${target} SELECT * FROM file(${quoteString(file)}, 'JSONEachRow') ${SPOOL_INSERT_SETTINGS}`, {
          format: 'JSONEachRow',
        });
      }
    } catch (err) {
      this.#columns.delete(table);
      throw new StoreError('chdb', sql, err);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Table columns that an INSERT can set, by table: the structure of the spool file when columns are shared. */
  readonly #columns = new Map<string, Promise<Array<{ name: string; type: string }>>>();

  /**
   * INSERT ... SELECT of the file's columns and the shared ones as constants. The shared values are written
   * as literals (sqlLiteral quotes and escapes them): a query parameter would not be folded into a constant.
   * The file is read with LowCardinality(T) as T, converted on insert: parsing into a dictionary per row took
   * twice as long (JSONEachRow of an event's attribute map: 4.3 µs a row against 2.3 µs).
   */
  async #sharedInsert(table: string, target: string, shared: SharedColumns, file: string): Promise<string> {
    let columns = this.#columns.get(table);
    if (!columns) {
      const [db, name] = table.includes('.') ? table.split('.', 2) : [this.database, table];
      columns = this.query<{ name: string; type: string }>(
        "SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {name:String} AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL') ORDER BY position",
        { db, name },
      );
      this.#columns.set(table, columns);
    }
    const names: string[] = [];
    const select: string[] = [];
    const structure: string[] = [];
    for (const { name, type } of await columns) {
      const column = quoteIdentifier(name);
      names.push(column);
      if (Object.hasOwn(shared, name)) {
        select.push(`CAST(${sqlLiteral(shared[name])}, ${quoteString(type)})`);
      } else {
        select.push(column);
        structure.push(`${column} ${withoutLowCardinality(type)}`);
      }
    }
    return `INSERT INTO ${target} (${names.join(', ')}) SELECT ${select.join(', ')} FROM file(${quoteString(file)}, 'JSONEachRow', ${quoteString(structure.join(', '))}) ${SPOOL_INSERT_SETTINGS}`;
  }

  async close(): Promise<void> {
    this.#session?.close();
    this.#session = undefined;
  }
}

/**
 * One write for all chunks (writev): writeFile would take an event-loop turn per chunk, and on a busy loop
 * (an app tracking events) a 30 MB batch then took seconds to reach the disk.
 */
async function writeSpool(file: string, json: string | readonly Uint8Array[]): Promise<void> {
  const buffers = typeof json === 'string' ? [Buffer.from(json)] : (json as Uint8Array[]);
  const handle = await open(file, 'w');
  try {
    const { bytesWritten } = await handle.writev(buffers);
    const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
    if (bytesWritten !== total) throw new Error(`spool file ${file}: wrote ${bytesWritten} of ${total} bytes`);
  } finally {
    await handle.close();
  }
}

/** `Map(LowCardinality(String), String)` as `Map(String, String)`: the same values, another encoding. */
export function withoutLowCardinality(type: string): string {
  const at = type.indexOf('LowCardinality(');
  if (at < 0) return type;
  let depth = 0;
  for (let i = at + 'LowCardinality'.length; i < type.length; i++) {
    if (type[i] === '(') depth++;
    else if (type[i] === ')' && --depth === 0) {
      return withoutLowCardinality(type.slice(0, at) + type.slice(at + 'LowCardinality('.length, i) + type.slice(i + 1));
    }
  }
  return type;
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
