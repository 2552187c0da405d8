/**
 * The demo's telemetry configuration: the user's environment with the demo's own choices on top,
 * validated by loadConfig like any other (so an invalid variable still names itself). The demo writes
 * into the embedded store under its directory, exports metrics every 2 s (short enough to see them in a
 * 30 s run), and lets the service's ingest endpoint accept one key of its own.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig, type Config, type Env } from '../config.js';

export const DEMO_SERVICE = 'migration-service';

export interface DemoSettings {
  config: Config;
  /**
   * The reference service's DATABASE_URL when set (read here rather than through the service's config
   * module, which would load the service before the instrumentation hook is in place).
   */
  databaseUrl: string | undefined;
  /** The write key of the simulated browsers. */
  writeKey: string;
}

/** The demo's chDB store under its directory (the CLI looks for it at .tc9/demo/store: src/cli/store.ts). */
export const demoStoreDir = (outDir: string) => join(outDir, 'store');

export function demoSettings(env: Env, outDir: string): DemoSettings {
  const writeKey = `demo-${randomBytes(8).toString('hex')}`;
  const config = loadConfig({
    ...env,
    // Embedded: the store under the demo directory, never a server or a collector the environment names.
    TC9_EXPORTER: 'store',
    TC9_DATA_DIR: demoStoreDir(outDir),
    CLICKHOUSE_URL: undefined,
    CLICKHOUSE_CLUSTER: undefined,
    OTEL_SDK_DISABLED: undefined,
    OTEL_SERVICE_NAME: DEMO_SERVICE,
    OTEL_METRIC_EXPORT_INTERVAL: env.OTEL_METRIC_EXPORT_INTERVAL ?? '2000',
    OTEL_BSP_SCHEDULE_DELAY: env.OTEL_BSP_SCHEDULE_DELAY ?? '1000',
    TC9_INGEST_WRITE_KEYS: writeKey,
  });
  return { config, writeKey, databaseUrl: env.DATABASE_URL?.trim() || undefined };
}

/**
 * Base of Sentry's trace view for the report's trace ids (links to `<base>/<trace id>/`), or undefined when
 * the traces are not in Sentry (no SENTRY_DSN) or the organisation is not known: SENTRY_TRACE_URL as is
 * (like the dashboards' sentry_trace_url), else from SENTRY_ORG on SENTRY_URL (sentry-cli's variable for a
 * self-hosted Sentry; default https://sentry.io). The trace view is per organisation: SENTRY_PROJECT is not
 * needed for it.
 */
export function sentryTraceUrl(env: Env): string | undefined {
  if (!env.SENTRY_DSN?.trim()) return undefined;
  const explicit = env.SENTRY_TRACE_URL?.trim();
  if (explicit) return explicit.replace(/\/+$/, '');
  const org = env.SENTRY_ORG?.trim();
  if (!org) return undefined;
  const base = (env.SENTRY_URL?.trim() || 'https://sentry.io').replace(/\/+$/, '');
  return `${base}/organizations/${encodeURIComponent(org)}/explore/traces/trace`;
}
