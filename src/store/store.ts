/**
 * The one interface every reader and writer of the ClickHouse tables goes through, with two backends:
 * a ClickHouse server (@clickhouse/client) and the embedded engine (chDB). SQL is the same on both.
 *
 * Values never enter SQL text: pass them as ClickHouse query parameters, written `{name:Type}` in the SQL
 * and given in `params` (both backends bind them server-side).
 */

export type QueryParams = Record<string, unknown>;

/** Column name to the value it has in every row of an insert. */
export type SharedColumns = Readonly<Record<string, unknown>>;

export type StoreKind = 'clickhouse' | 'chdb';

export interface Store {
  readonly kind: StoreKind;
  /** Default database of every statement: unqualified table names resolve here. */
  readonly database: string;
  /** Cluster name when the schema is sharded/replicated (local tables are `<name>_local`). */
  readonly cluster: string | undefined;
  /** Creates the store's database if missing (needs the right to; readers and writers usually lack it). */
  ensureDatabase(): Promise<void>;
  /** Runs a statement that returns no rows (DDL, INSERT ... SELECT, DELETE). */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Runs a SELECT and returns its rows as objects (64-bit integers as JSON numbers). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Inserts rows (objects keyed by column name; Nested sub-columns as `Parent.Child` arrays). */
  insert(table: string, rows: readonly object[]): Promise<void>;
  /**
   * Inserts rows already serialised as JSONEachRow (objects separated by newlines or commas; `json` may come
   * in chunks of whole rows, as UTF-8, each ending in a newline); saves a second serialisation. `shared`:
   * columns with one value for every row, left out of the rows. Columns neither in a row nor shared get their
   * type's default ('' , 0, {}).
   */
  insertJson?(table: string, json: string | readonly Uint8Array[], shared?: SharedColumns): Promise<void>;
  close(): Promise<void>;
}

/** A failed statement: the message names the backend and the start of the statement. */
export class StoreError extends Error {
  constructor(
    readonly kind: StoreKind,
    readonly sql: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`tc9-observability store (${kind}): ${reason}\n  in: ${sql.replace(/\s+/g, ' ').trim().slice(0, 200)}`, { cause });
    this.name = 'StoreError';
  }
}

/** Settings both backends apply so results have one shape: 64-bit integers as numbers, not strings. */
export const COMMON_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
} as const;
