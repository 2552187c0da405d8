/** The store the CLI works on: the configured ClickHouse server, else the embedded chDB under the data dir. */
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/store.js';
import { UsageError } from './errors.js';

export interface StoreOverrides {
  /** --cluster: a ClickHouse cluster name (servers only). */
  cluster?: string | undefined;
}

export function storeConfig(config: Config, overrides: StoreOverrides = {}): Config['store'] {
  if (overrides.cluster !== undefined && !config.store.clickhouseUrl) {
    throw new UsageError('--cluster applies to a ClickHouse server (set CLICKHOUSE_URL); the embedded store (chDB) is a single node');
  }
  // The embedded engine is a single node: a configured CLICKHOUSE_CLUSTER applies to servers only.
  return { ...config.store, cluster: config.store.clickhouseUrl ? (overrides.cluster ?? config.store.cluster) : undefined };
}

export function openStore(config: Config, overrides: StoreOverrides = {}): Store {
  return createStore(storeConfig(config, overrides));
}

/** "ClickHouse at http://host:8123, database otel" / "chDB at /abs/dir, database otel" (no credentials). */
export function describeStore(store: Config['store']): string {
  const cluster = store.cluster && store.clickhouseUrl ? `, cluster ${store.cluster}` : '';
  if (store.clickhouseUrl) {
    const u = new URL(store.clickhouseUrl);
    u.username = '';
    u.password = '';
    return `ClickHouse at ${u.origin}${u.pathname === '/' ? '' : u.pathname}, database ${store.database}${cluster}`;
  }
  return `chDB at ${resolve(store.dataDir)}, database ${store.database}`;
}

/** Runs `fn` with an open store and always closes it (chDB holds its data dir while open). */
export async function withStore<T>(config: Config, overrides: StoreOverrides, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config, overrides);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
