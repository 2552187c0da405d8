import type { Config } from '../config.js';
import { ChdbStore } from './chdb-store.js';
import { ClickHouseStore } from './clickhouse-store.js';
import type { Store } from './store.js';

/** A ClickHouse server when `clickhouseUrl` is set, otherwise the embedded engine under `dataDir`. */
export function createStore(config: Config['store']): Store {
  if (config.clickhouseUrl) {
    return new ClickHouseStore({
      url: config.clickhouseUrl,
      username: config.username,
      password: config.password,
      database: config.database,
      cluster: config.cluster,
    });
  }
  // The embedded engine is a single node: a configured cluster applies to servers only.
  return new ChdbStore({ dataDir: config.dataDir, database: config.database });
}
