import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ChdbStore } from '../../src/store/chdb-store.js';
import { migrate, type MigrateOptions } from '../../src/store/migrate.js';

let dataDir: string | undefined;

/**
 * The chDB data directory of this test process. chDB accepts one directory per process, so every store a
 * test opens (directly or through a Config's store.dataDir) must use this one; isolation comes from a
 * fresh database per store instead.
 */
export function testDataDir(): string {
  if (!dataDir) {
    const dir = mkdtempSync(join(tmpdir(), 'tc9-chdb-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    dataDir = dir;
  }
  return dataDir;
}

export interface TestStore {
  store: ChdbStore;
  database: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database in the process's chDB, migrated unless `migrate: false`. */
export async function createTestStore(options: { migrate?: boolean } & MigrateOptions = {}): Promise<TestStore> {
  const database = `tc9_test_${randomBytes(4).toString('hex')}`;
  const store = new ChdbStore({ dataDir: testDataDir(), database });
  if (options.migrate !== false) await migrate(store, options);
  return {
    store,
    database,
    drop: async () => {
      await store.command(`DROP DATABASE IF EXISTS \`${database}\` SYNC`);
      await store.close();
    },
  };
}
