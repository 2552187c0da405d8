/**
 * The checks of `tc9-obs doctor`: configuration, the OTLP collector, the ClickHouse store and Sentry.
 * Each returns ok / warn / fail (or skip) with what it found and, for a failure, how to fix it. Every
 * network call has a timeout, so a blackholed host costs seconds, not minutes.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type Config, type Env } from '../config.js';
import { ChdbStore } from '../store/chdb-store.js';
import { ClickHouseStore } from '../store/clickhouse-store.js';
import type { Store } from '../store/store.js';
import { formatSeconds, networkReason } from './errors.js';
import { isUnknownDatabase, migrationFile, recordedVersions, schemaState } from './schema.js';
import { describeStore, holdsStore, storeHolder } from './store.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it (always given for a failure). */
  fix?: string;
}

export interface DoctorOptions {
  timeoutMs: number;
}

export interface LoadedConfig {
  config: Config;
  /** Every invalid variable, each removed in turn so the rest could still be checked with defaults. */
  errors: ConfigError[];
}

/** loadConfig, but collecting every bad variable instead of stopping at the first. */
export function loadConfigLeniently(env: Env): LoadedConfig {
  const remaining: Env = { ...env };
  const errors: ConfigError[] = [];
  for (;;) {
    try {
      return { config: loadConfig(remaining), errors };
    } catch (err) {
      if (!(err instanceof ConfigError) || remaining[err.variable] === undefined || errors.length > 50) throw err;
      errors.push(err);
      delete remaining[err.variable];
    }
  }
}

const failedVariable = (errors: ConfigError[], test: (variable: string) => boolean) => errors.find((e) => test(e.variable));

export function checkConfig({ config, errors }: LoadedConfig): CheckResult[] {
  if (errors.length === 0) {
    return [
      {
        name: 'configuration',
        status: 'ok',
        detail: `service ${config.serviceName}, environment ${config.environment}, exporter ${config.exporter}`,
      },
    ];
  }
  return errors.map((e) => ({
    name: 'configuration',
    status: 'fail',
    detail: `invalid ${e.variable}=${JSON.stringify(e.value)}: expected ${e.accepts}`,
    fix: `set ${e.variable} to ${e.accepts}, or unset it for the default`,
  }));
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number } | { error: string }> {
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { status: res.status };
  } catch (err) {
    return { error: networkReason(err, timeoutMs) };
  }
}

const COLLECTOR = 'OTLP collector';

export async function checkCollector({ config, errors }: LoadedConfig, options: DoctorOptions): Promise<CheckResult> {
  const bad = failedVariable(errors, (v) => v.startsWith('OTEL_EXPORTER_OTLP_'));
  if (bad) return { name: COLLECTOR, status: 'skip', detail: `not checked: ${bad.variable} is invalid (see above)` };
  if (config.disabled) return { name: COLLECTOR, status: 'warn', detail: 'OTEL_SDK_DISABLED=true: no telemetry is recorded' };
  if (config.exporter === 'none')
    return { name: COLLECTOR, status: 'warn', detail: 'TC9_EXPORTER=none: telemetry is recorded but not exported' };
  if (config.exporter === 'store')
    return { name: COLLECTOR, status: 'ok', detail: 'not used: TC9_EXPORTER=store writes straight to the store' };
  const { url, headers } = config.otlp.traces;
  // An empty export request: a collector accepts it (200, partialSuccess {}) and records nothing.
  const res = await request(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"resourceSpans":[]}' },
    options.timeoutMs,
  );
  if ('error' in res) {
    return {
      name: COLLECTOR,
      status: 'fail',
      detail: `collector unreachable at ${url} (${res.error})`,
      fix: 'start it with `docker compose up otel-collector` or set OTEL_EXPORTER_OTLP_ENDPOINT',
    };
  }
  if (res.status >= 200 && res.status < 300) return { name: COLLECTOR, status: 'ok', detail: `collector accepts OTLP/HTTP at ${url}` };
  if (res.status === 401 || res.status === 403) {
    return {
      name: COLLECTOR,
      status: 'fail',
      detail: `collector at ${url} refused the request (HTTP ${res.status})`,
      fix: 'set the credentials it expects in OTEL_EXPORTER_OTLP_HEADERS',
    };
  }
  if (res.status === 404 || res.status === 405) {
    return {
      name: COLLECTOR,
      status: 'fail',
      detail: `no OTLP/HTTP traces endpoint at ${url} (HTTP ${res.status})`,
      fix: "point OTEL_EXPORTER_OTLP_ENDPOINT at the collector's OTLP/HTTP port (e.g. http://localhost:4318)",
    };
  }
  return { name: COLLECTOR, status: 'warn', detail: `collector at ${url} answered HTTP ${res.status} to an empty export` };
}

const STORE = 'ClickHouse store';
const MIGRATE_FIX = 'run tc9-obs db migrate';

async function checkSchema(store: Store, where: string): Promise<CheckResult> {
  let recorded: Map<number, string>;
  try {
    recorded = await recordedVersions(store);
  } catch (err) {
    if (isUnknownDatabase(err))
      return { name: STORE, status: 'fail', detail: `${where}: database ${store.database} does not exist`, fix: MIGRATE_FIX };
    throw err;
  }
  const state = schemaState(recorded);
  const first = state.changed[0];
  if (first) {
    return {
      name: STORE,
      status: 'fail',
      detail: `${where}: schema file ${migrationFile(first)}.sql changed after it was applied`,
      fix: 'restore the file and add the change as a new numbered file under clickhouse/',
    };
  }
  if (state.pending.length > 0) {
    const detail =
      state.pending.length === state.migrations.length
        ? `${where}: schema not migrated`
        : `${where}: ${state.pending.length} of ${state.migrations.length} schema files not applied (first ${migrationFile(state.pending[0]!)})`;
    return { name: STORE, status: 'fail', detail, fix: MIGRATE_FIX };
  }
  const latest = state.migrations[state.migrations.length - 1]!;
  return { name: STORE, status: 'ok', detail: `${where}: schema at ${migrationFile(latest)}` };
}

async function checkServer(config: Config, options: DoctorOptions): Promise<CheckResult> {
  const where = describeStore(config.store);
  const store = new ClickHouseStore({
    url: config.store.clickhouseUrl!,
    username: config.store.username,
    password: config.store.password,
    database: config.store.database,
    cluster: config.store.cluster,
    requestTimeoutMs: options.timeoutMs,
  });
  try {
    try {
      await store.query('SELECT 1 AS ok');
    } catch (err) {
      const message = String((err as Error).message);
      if (/Authentication failed|AUTHENTICATION_FAILED|REQUIRED_PASSWORD/i.test(message)) {
        return {
          name: STORE,
          status: 'fail',
          detail: `${where}: authentication failed`,
          fix: 'check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD',
        };
      }
      if (isUnknownDatabase(err))
        return { name: STORE, status: 'fail', detail: `${where}: database ${config.store.database} does not exist`, fix: MIGRATE_FIX };
      const reason = networkReason((err as Error).cause ?? err, options.timeoutMs);
      return {
        name: STORE,
        status: 'fail',
        detail: `${where}: unreachable (${/timeout/i.test(reason) ? `timed out after ${formatSeconds(options.timeoutMs)}` : reason})`,
        fix: 'start it with `docker compose up clickhouse` or set CLICKHOUSE_URL (unset it to use the embedded store)',
      };
    }
    return await checkSchema(store, where);
  } finally {
    await store.close();
  }
}

async function checkEmbedded(config: Config): Promise<CheckResult> {
  const dir = resolve(config.store.dataDir);
  const where = describeStore(config.store);
  if (!existsSync(dir))
    return {
      name: STORE,
      status: 'fail',
      detail: `${where}: the data directory does not exist yet`,
      fix: `${MIGRATE_FIX}, or set TC9_DATA_DIR to the directory your app writes (the demo writes .tc9/demo/store)`,
    };
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch (err) {
    return {
      name: STORE,
      status: 'fail',
      detail: `${where}: the data directory is not writable (${(err as Error).message})`,
      fix: 'fix its permissions, or set TC9_DATA_DIR to a writable directory',
    };
  }
  // Opening a directory creates a store in it: checking must not.
  if (!holdsStore(dir, config.store.database)) {
    return {
      name: STORE,
      status: 'fail',
      detail: `${where}: no store in this directory`,
      fix: `${MIGRATE_FIX}, or set TC9_DATA_DIR to the directory your app writes (the demo writes .tc9/demo/store)`,
    };
  }
  const holder = storeHolder(dir);
  if (holder !== undefined) {
    return {
      name: STORE,
      status: 'warn',
      detail: `${where}: in use by process ${holder} (an app writing to it); schema not checked while it runs`,
      fix: 'stop the app to check the schema',
    };
  }
  let store: ChdbStore;
  try {
    store = new ChdbStore({ dataDir: dir, database: config.store.database });
  } catch (err) {
    return {
      name: STORE,
      status: 'fail',
      detail: `${where}: cannot open it (${String((err as Error).message).split('\n')[0]})`,
      fix: 'stop the other process using this data directory (chDB opens it from one process at a time), or set TC9_DATA_DIR',
    };
  }
  try {
    return await checkSchema(store, where);
  } finally {
    await store.close();
  }
}

export async function checkStore({ config, errors }: LoadedConfig, options: DoctorOptions): Promise<CheckResult> {
  const bad = failedVariable(errors, (v) => v.startsWith('CLICKHOUSE_') || v === 'TC9_DATA_DIR' || v.startsWith('TC9_RETENTION_'));
  if (bad) return { name: STORE, status: 'skip', detail: `not checked: ${bad.variable} is invalid (see above)` };
  try {
    return config.store.clickhouseUrl ? await checkServer(config, options) : await checkEmbedded(config);
  } catch (err) {
    return {
      name: STORE,
      status: 'fail',
      detail: String((err as Error).message).split('\n')[0] ?? String(err),
      fix: 'run tc9-obs doctor --verbose for details',
    };
  }
}

const SENTRY = 'Sentry';
export const DSN_FORM = 'https://<key>@<host>/<projectId>';

export async function checkSentry({ config, errors }: LoadedConfig, options: DoctorOptions): Promise<CheckResult> {
  if (failedVariable(errors, (v) => v === 'SENTRY_DSN')) {
    return {
      name: SENTRY,
      status: 'fail',
      detail: 'SENTRY_DSN is not a valid DSN',
      fix: `set SENTRY_DSN to the DSN of your Sentry project (Settings > Client Keys), of the form ${DSN_FORM}, or unset it`,
    };
  }
  const dsn = config.sentry.dsn;
  if (!dsn)
    return {
      name: SENTRY,
      status: 'warn',
      detail: 'SENTRY_DSN is not set: errors are not sent to Sentry',
      fix: `set SENTRY_DSN=${DSN_FORM} to send them`,
    };
  const u = new URL(dsn);
  const project = u.pathname.split('/').filter(Boolean).pop();
  // Any HTTP answer means the host is there; the DSN key is only checked when events arrive.
  const res = await request(u.origin, { method: 'GET' }, options.timeoutMs);
  if ('error' in res) {
    return {
      name: SENTRY,
      status: 'fail',
      detail: `Sentry host unreachable at ${u.origin} (${res.error})`,
      fix: 'check the host in SENTRY_DSN and that this machine can reach it (proxy, firewall)',
    };
  }
  return { name: SENTRY, status: 'ok', detail: `DSN valid (project ${project}), host ${u.host} reachable` };
}

/** All checks; network checks run at once, results in a fixed order. */
export async function runDoctor(env: Env, options: DoctorOptions): Promise<CheckResult[]> {
  const loaded = loadConfigLeniently(env);
  const [collector, store, sentry] = await Promise.all([
    checkCollector(loaded, options),
    checkStore(loaded, options),
    checkSentry(loaded, options),
  ]);
  return [...checkConfig(loaded), collector, store, sentry];
}

const MARK: Record<CheckStatus, string> = { ok: '[ok]  ', warn: '[warn]', fail: '[fail]', skip: '[skip]' };

export function formatChecks(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${MARK[r.status]} ${r.name.padEnd(width)}  ${r.detail}`);
    if (r.fix && r.status !== 'ok') lines.push(`${' '.repeat(7 + width + 2)}${r.status === 'fail' ? 'fix' : 'hint'}: ${r.fix}`);
  }
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  const failed = count('fail');
  const warned = count('warn');
  lines.push('');
  lines.push(
    failed === 0 && warned === 0
      ? 'all checks passed'
      : `${failed} failed, ${warned} warning${warned === 1 ? '' : 's'}${failed === 0 ? ': usable, see the warnings' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
