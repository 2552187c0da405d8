/** The server backend: a ClickHouse server over HTTP through @clickhouse/client. */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { quoteIdentifier } from './sql.js';
import { COMMON_SETTINGS, StoreError, type QueryParams, type Store } from './store.js';

export interface ClickHouseStoreOptions {
  url: string;
  username: string;
  password: string;
  database: string;
  cluster?: string | undefined;
  requestTimeoutMs?: number;
}

export class ClickHouseStore implements Store {
  readonly kind = 'clickhouse' as const;
  readonly database: string;
  readonly cluster: string | undefined;
  readonly #options: ClickHouseStoreOptions;
  readonly #client: ClickHouseClient;

  constructor(options: ClickHouseStoreOptions) {
    this.#options = options;
    this.database = options.database;
    this.cluster = options.cluster;
    this.#client = this.#connect(options.database);
  }

  #connect(database: string): ClickHouseClient {
    return createClient({
      url: this.#options.url,
      username: this.#options.username,
      password: this.#options.password,
      database,
      application: 'tc9-observability',
      request_timeout: this.#options.requestTimeoutMs ?? 30_000,
      clickhouse_settings: { ...COMMON_SETTINGS },
      // Failures reach the caller as StoreError (and the exporters report them once through diag).
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /** The HTTP interface refuses any statement, even CREATE DATABASE, bound to a missing database. */
  async ensureDatabase(): Promise<void> {
    const bootstrap = this.#connect('default');
    const sql = `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(this.database)}${this.cluster ? ` ON CLUSTER ${quoteIdentifier(this.cluster)}` : ''}`;
    try {
      await bootstrap.command({ query: sql });
    } catch (err) {
      throw new StoreError('clickhouse', sql, err);
    } finally {
      await bootstrap.close();
    }
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    try {
      await this.#client.command({ query: sql, query_params: params });
    } catch (err) {
      throw new StoreError('clickhouse', sql, err);
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]> {
    try {
      const result = await this.#client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (err) {
      throw new StoreError('clickhouse', sql, err);
    }
  }

  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.#client.insert({ table, values: rows as object[], format: 'JSONEachRow' });
    } catch (err) {
      throw new StoreError('clickhouse', `INSERT INTO ${table} FORMAT JSONEachRow`, err);
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
