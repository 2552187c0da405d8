/** The store the CLI works on: the configured ClickHouse server, else the embedded chDB under the data dir. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { debugRequested, type Config } from '../config.js';
import { ChdbStore } from '../store/chdb-store.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/store.js';
import { CliFailure, UsageError } from './errors.js';
import { copyStoreDirectory } from './snapshot.js';

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

/** Runs `fn` with an open store and always closes it (chDB holds its data dir while open). Creates the store if missing (db migrate). */
export async function withStore<T>(config: Config, overrides: StoreOverrides, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config, overrides);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Where `npm start` (tc9-obs demo) keeps its store, relative to where it ran: src/demo's DEMO_DEFAULTS.outDir
 * plus demoSettings' "store" (tests/cli/store-location.test.ts holds the two together; not imported, so the CLI
 * works in a build without the demo).
 */
export const DEMO_STORE_DIR = '.tc9/demo/store';

/** The CLI's options that choose the store (--data-dir), applied over the environment. */
export function withDataDir(env: NodeJS.ProcessEnv, dataDir: string | undefined): NodeJS.ProcessEnv {
  if (dataDir === undefined) return env;
  if (!dataDir.trim()) throw new UsageError('--data-dir needs a directory');
  return { ...env, TC9_DATA_DIR: dataDir };
}

/** Whether TC9_DATA_DIR / --data-dir chose the directory (else it is the default, .tc9/data). */
export const dataDirChosen = (env: NodeJS.ProcessEnv) => Boolean(env.TC9_DATA_DIR?.trim());

/** A path as the user would type it from here: relative when under the working directory. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** ClickHouse's file name for a database: [A-Za-z0-9_] as is, every other byte as %XX. */
const fileName = (name: string) =>
  [...Buffer.from(name)]
    .map((b) =>
      /[A-Za-z0-9_]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** The directory holds a chDB store with this database (written by an app, the demo, or db migrate). */
export const holdsStore = (dir: string, database: string) => existsSync(join(dir, 'metadata', `${fileName(database)}.sql`));

/**
 * The process that has the store open, from the engine's lock file (`status`, which stays behind with the last
 * holder's pid): undefined when that process is gone.
 */
export function storeHolder(dir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  if (!pid || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

export type StoreAccess =
  /** Reads only: a running app's store is read through a copy. */
  | 'read'
  /** Changes the store (gdpr delete), or records in it (gdpr export's audit row): needs the store itself. */
  | { writes: string };

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Runs `fn` on the store an existing-data command (report, gdpr) should read. The embedded store must exist:
 * looking never creates one (an empty store would only answer "no data", and leave folders behind). When the
 * default directory (.tc9/data) holds none and the demo's does, reads use the demo's, saying so. A store a
 * running app holds open is read through a copy (see snapshot.ts); a command that writes refuses, saying why.
 */
export async function withExistingStore<T>(
  env: NodeJS.ProcessEnv,
  config: Config,
  access: StoreAccess,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  if (config.store.clickhouseUrl) return withStore(config, {}, fn);
  let dir = resolve(config.store.dataDir);
  const { database } = config.store;
  if (!holdsStore(dir, database)) {
    const demo = resolve(DEMO_STORE_DIR);
    const fallback = !dataDirChosen(env) && holdsStore(demo, database);
    if (fallback && access === 'read') {
      say(`no store in ${displayPath(dir)}; reading the demo's store in ${displayPath(demo)} (TC9_DATA_DIR or --data-dir to read another)`);
      dir = demo;
    } else {
      const where = `no tc9-observability store in ${dir}${existsSync(dir) ? '' : ' (no such directory)'}`;
      throw new CliFailure(
        fallback
          ? `error: ${where}; the demo's store is in ${displayPath(demo)}\nfix: pass --data-dir ${displayPath(demo)} (or set TC9_DATA_DIR) to work on it`
          : `error: ${where}\nfix: point TC9_DATA_DIR or --data-dir at the directory your app writes (its TC9_DATA_DIR; the demo writes ${DEMO_STORE_DIR}); ` +
              'tc9-obs db migrate creates an empty store here',
      );
    }
  }
  const holder = storeHolder(dir);
  const inUse = `the store in ${displayPath(dir)} is in use by process ${holder} (an app writing telemetry to it; chDB opens a store from one process at a time)`;
  if (holder !== undefined && access !== 'read') {
    throw new CliFailure(`error: ${inUse}\nfix: ${access.writes}, so stop the app (process ${holder}) and run this again`);
  }
  if (holder === undefined) {
    const store = new ChdbStore({ dataDir: dir, database });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }
  say(`${inUse}: reading a copy of what it has written so far`);
  const copy = mkdtempSync(join(tmpdir(), 'tc9-store-copy-'));
  try {
    const started = performance.now();
    const { vanished } = await copyStoreDirectory(dir, copy);
    if (debugRequested(env))
      say(`copied to ${copy} in ${Math.round(performance.now() - started)} ms; ${vanished} entries merged away mid-copy were listed again`);
    const store = new ChdbStore({ dataDir: copy, database });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** --data-dir, for every command that works on the store. */
export const DATA_DIR_FLAGS = '--data-dir <dir>';
export const DATA_DIR_HELP = 'chDB data directory of the store (default TC9_DATA_DIR, else .tc9/data; the demo writes .tc9/demo/store)';
