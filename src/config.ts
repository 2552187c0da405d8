/**
 * The one place configuration is read: the standard OTEL_* variables plus ours (TC9_*, SENTRY_*, CLICKHOUSE_*).
 * Everything else takes a `Config` (or a slice of it) as an argument, so tests can pass their own.
 */
import { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** Raised for an invalid variable; the message names the variable and what it accepts. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly accepts: string,
  ) {
    super(`tc9-observability: invalid ${variable}=${JSON.stringify(value)}: expected ${accepts}`);
    this.name = 'ConfigError';
  }
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
const EXPORTERS = ['otlp', 'store', 'none'] as const;
const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
const CONSENT_MODES = ['drop', 'pseudonymize'] as const;
const CONSENT_DEFAULTS = ['denied', 'granted'] as const;
const IP_MODES = ['drop', 'truncate', 'keep'] as const;

export type Sampler = (typeof SAMPLERS)[number];
export type ExporterKind = (typeof EXPORTERS)[number];

export interface SignalEndpoint {
  /** Full URL the OTLP/HTTP exporter posts to, e.g. http://localhost:4318/v1/traces. */
  url: string;
  headers: Record<string, string>;
}

export interface Config {
  disabled: boolean;
  serviceName: string;
  serviceVersion: string;
  environment: string;
  release: string;
  resourceAttributes: Record<string, string>;
  logLevel: (typeof LOG_LEVELS)[number];

  /** Where telemetry goes: the collector over OTLP (default), straight into the ClickHouse store, or nowhere. */
  exporter: ExporterKind;
  otlp: {
    traces: SignalEndpoint;
    metrics: SignalEndpoint;
    logs: SignalEndpoint;
    timeoutMs: number;
  };
  sampler: { name: Sampler; ratio: number };
  batch: {
    spans: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMs: number };
    logs: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMs: number };
  };
  metricIntervalMs: number;
  /** Instrumentation short names (e.g. "http", "pg", "fs"); see src/sdk/instrumentations.ts. */
  instrumentations: { enabled: string[] | undefined; disabled: string[] };
  /**
   * Telemetry that costs every request and that no dashboard reads: off (or trimmed) by default, for apps
   * that want it (src/sdk/instrumentations.ts, src/sdk/span-filter.ts).
   */
  detail: {
    /** Prisma's prisma:client:db_query spans; the pg instrumentation's pg.query span carries the same query. */
    prismaQuerySpans: boolean;
    /** pg-pool.connect spans that succeeded faster than this (and opened no connection) are not exported; 0 keeps all. */
    pgConnectSpanMinMs: number;
    /** The pg instrumentation's db.client.operation.duration and db.client.connection.* metrics. */
    dbClientMetrics: boolean;
  };
  shutdownTimeoutMs: number;

  /** sessions: release-health sessions of incoming requests (httpIntegration's sessions option). */
  sentry: { dsn: string | undefined; debug: boolean; sessions: boolean };

  store: {
    /** Set: a ClickHouse server through @clickhouse/client. Unset: embedded chDB under dataDir. */
    clickhouseUrl: string | undefined;
    username: string;
    password: string;
    database: string;
    cluster: string | undefined;
    dataDir: string;
    /** Days each data class is kept (the spec's RetentionConfig); applied as table TTLs by the migrator. */
    retention: {
      errorLogsDays: number;
      analyticsDataDays: number;
      userDataAnonymizationDays: number;
      performanceDataDays: number;
    };
    /** Passwords of the writer (collector/exporters) and read-only Grafana users `tc9-obs db users` creates. */
    writerPassword: string | undefined;
    readerPassword: string | undefined;
    /** Names of those two users (the collector's and Grafana's configuration use the same variables). */
    writerUser: string;
    readerUser: string;
  };

  privacy: {
    redact: boolean;
    allowKeys: string[];
    denyKeys: string[];
    /** Secret for keyed-hash pseudonymisation of user ids; unset means ids are kept as given. */
    pseudonymizeKey: string | undefined;
    /** What happens to analytics events of a user who has not consented. */
    consentMode: (typeof CONSENT_MODES)[number];
    /** Consent of users the application never called setConsent for (src/privacy). Default denied. */
    defaultConsent: (typeof CONSENT_DEFAULTS)[number];
    ipMode: (typeof IP_MODES)[number];
  };

  /**
   * The disk spool of log records (analytics events) the collector could not take (src/sdk/spool),
   * used with TC9_EXPORTER=otlp only.
   */
  spool: {
    enabled: boolean;
    /** Set: this directory. Unset: .tc9/spool/<service.name> under the working directory, or under os.tmpdir() when that is not writable. */
    dir: string | undefined;
    /** Largest total size of the spool files; batches beyond it are dropped and counted. */
    maxBytes: number;
    /** Longest wait between attempts to reach the collector again while batches are spooled. */
    retryMaxMs: number;
  };

  /** The browser-events endpoint (src/ingest). */
  ingest: {
    /** Write keys it accepts; none configured means every request is refused (401). */
    writeKeys: string[];
    /** Origins whose pages may post events cross-origin (CORS); '*' for any. Empty: same origin only. */
    allowedOrigins: string[];
  };
}

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** OTEL header/attribute lists: "k1=v1,k2=v2", values percent-encoded. */
function keyValues(variable: string, v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of list(v)) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new ConfigError(variable, v ?? '', 'a comma-separated list of key=value pairs');
    try {
      out[decodeURIComponent(pair.slice(0, i).trim())] = decodeURIComponent(pair.slice(i + 1).trim());
    } catch {
      throw new ConfigError(variable, v ?? '', 'percent-encoded key=value pairs');
    }
  }
  return out;
}

function parse<T>(env: Env, variable: string, schema: z.ZodType<T>, accepts: string, fallback: T): T {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const r = schema.safeParse(raw.trim());
  if (!r.success) throw new ConfigError(variable, raw, accepts);
  return r.data;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const httpUrl = z.url({ protocol: /^https?$/ });

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(values));
}

function sentryDsn(env: Env): string | undefined {
  const raw = env.SENTRY_DSN?.trim();
  if (!raw) return undefined;
  const accepts = 'a Sentry DSN like https://<public key>@<host>/<project id>';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError('SENTRY_DSN', raw, accepts);
  }
  const project = u.pathname.split('/').filter(Boolean).pop();
  if (!/^https?:$/.test(u.protocol) || !u.username || !project || !/^\d+$/.test(project)) {
    throw new ConfigError('SENTRY_DSN', raw, accepts);
  }
  return raw;
}

function signal(env: Env, name: 'traces' | 'metrics' | 'logs', base: string, shared: Record<string, string>): SignalEndpoint {
  const upper = name.toUpperCase();
  const variable = `OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`;
  const url = parse(env, variable, httpUrl, 'an http(s) URL', `${base.replace(/\/+$/, '')}/v1/${name}`);
  return { url, headers: { ...shared, ...keyValues(`OTEL_EXPORTER_OTLP_${upper}_HEADERS`, env[`OTEL_EXPORTER_OTLP_${upper}_HEADERS`]) } };
}

function batch(env: Env, prefix: 'OTEL_BSP' | 'OTEL_BLRP') {
  const int = (v: string, d: number) => parse(env, `${prefix}_${v}`, positiveInt, 'a positive integer', d);
  const maxQueueSize = int('MAX_QUEUE_SIZE', 2048);
  const maxExportBatchSize = Math.min(int('MAX_EXPORT_BATCH_SIZE', 512), maxQueueSize);
  return { maxQueueSize, maxExportBatchSize, scheduledDelayMs: int('SCHEDULE_DELAY', prefix === 'OTEL_BSP' ? 5000 : 1000) };
}

/** Retention days per data class; anonymisation must come before deletion of analytics data. */
function retention(env: Env): Config['store']['retention'] {
  const days = (v: string, d: number) => parse(env, `TC9_RETENTION_${v}_DAYS`, positiveInt, 'a positive integer (days)', d);
  const analyticsDataDays = days('ANALYTICS', 730);
  const userDataAnonymizationDays = days('ANONYMIZE', Math.min(365, analyticsDataDays - 1));
  if (userDataAnonymizationDays >= analyticsDataDays) {
    throw new ConfigError(
      'TC9_RETENTION_ANONYMIZE_DAYS',
      String(userDataAnonymizationDays),
      `fewer days than TC9_RETENTION_ANALYTICS_DAYS (${analyticsDataDays})`,
    );
  }
  return {
    errorLogsDays: days('ERROR_LOGS', 90),
    analyticsDataDays,
    userDataAnonymizationDays,
    performanceDataDays: days('PERFORMANCE', 30),
  };
}

/** CORS origins of the ingest endpoint: '*' or exact origins (scheme://host[:port], no path). */
function origins(env: Env): string[] {
  const values = list(env.TC9_INGEST_ALLOWED_ORIGINS);
  for (const origin of values) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        'TC9_INGEST_ALLOWED_ORIGINS',
        env.TC9_INGEST_ALLOWED_ORIGINS ?? '',
        "'*' or comma-separated origins like https://app.example.com",
      );
    }
  }
  return values;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** A size in bytes: a plain integer or one with a binary unit (512KiB, 64MiB, 1GiB). */
const byteSize = z
  .string()
  .regex(/^\d+\s*(b|kib|mib|gib)?$/i)
  .transform((v) => {
    const [, n, unit = ''] = /^(\d+)\s*([a-z]*)$/i.exec(v)!;
    return Number(n) * BYTE_UNITS[unit.toLowerCase()]!;
  })
  .pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER));

const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const USER_NAME_ACCEPTS = 'a ClickHouse user name ([A-Za-z_][A-Za-z0-9_.-]*)';

/**
 * TC9_DEBUG: full stack traces from the tc9-obs CLI. Read apart from loadConfig because it must work when
 * loadConfig itself throws; any value other than empty, 0 or false turns it on.
 */
export function debugRequested(env: Env = process.env): boolean {
  const raw = env.TC9_DEBUG?.trim().toLowerCase();
  return raw !== undefined && raw !== '' && raw !== '0' && raw !== 'false';
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const resourceAttributes = keyValues('OTEL_RESOURCE_ATTRIBUTES', env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || resourceAttributes['service.name'] || env.npm_package_name || 'unknown_service:node';
  const serviceVersion = resourceAttributes['service.version'] || env.TC9_SERVICE_VERSION?.trim() || env.npm_package_version || '0.0.0';
  const environment =
    env.TC9_ENVIRONMENT?.trim() ||
    env.SENTRY_ENVIRONMENT?.trim() ||
    resourceAttributes['deployment.environment.name'] ||
    env.NODE_ENV?.trim() ||
    'development';
  const release = env.SENTRY_RELEASE?.trim() || env.TC9_RELEASE?.trim() || `${serviceName}@${serviceVersion}`;

  const base = parse(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', httpUrl, 'an http(s) URL', 'http://localhost:4318');
  const shared = keyValues('OTEL_EXPORTER_OTLP_HEADERS', env.OTEL_EXPORTER_OTLP_HEADERS);

  const samplerName = parse(
    env,
    'OTEL_TRACES_SAMPLER',
    oneOf(SAMPLERS),
    `one of ${SAMPLERS.join(', ')}`,
    'parentbased_always_on' as Sampler,
  );
  const ratio = parse(env, 'OTEL_TRACES_SAMPLER_ARG', z.coerce.number().min(0).max(1), 'a number from 0 to 1', 1);

  const clickhouseUrl = parse<string | undefined>(env, 'CLICKHOUSE_URL', httpUrl, 'an http(s) URL of a ClickHouse server', undefined);

  return {
    disabled: parse(env, 'OTEL_SDK_DISABLED', bool, 'true or false', false),
    serviceName,
    serviceVersion,
    environment,
    release,
    resourceAttributes,
    logLevel: parse(env, 'OTEL_LOG_LEVEL', oneOf(LOG_LEVELS), `one of ${LOG_LEVELS.join(', ')}`, 'warn' as Config['logLevel']),
    exporter: parse(env, 'TC9_EXPORTER', oneOf(EXPORTERS), `one of ${EXPORTERS.join(', ')}`, 'otlp' as ExporterKind),
    otlp: {
      traces: signal(env, 'traces', base, shared),
      metrics: signal(env, 'metrics', base, shared),
      logs: signal(env, 'logs', base, shared),
      timeoutMs: parse(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', positiveInt, 'a positive integer (milliseconds)', 10_000),
    },
    sampler: { name: samplerName, ratio },
    batch: { spans: batch(env, 'OTEL_BSP'), logs: batch(env, 'OTEL_BLRP') },
    metricIntervalMs: parse(env, 'OTEL_METRIC_EXPORT_INTERVAL', positiveInt, 'a positive integer (milliseconds)', 60_000),
    instrumentations: {
      enabled: env.OTEL_NODE_ENABLED_INSTRUMENTATIONS?.trim() ? list(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS) : undefined,
      disabled: list(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS),
    },
    detail: {
      prismaQuerySpans: parse(env, 'TC9_PRISMA_QUERY_SPANS', bool, 'true or false', false),
      pgConnectSpanMinMs: parse(env, 'TC9_PG_CONNECT_SPAN_MIN_MS', nonNegativeInt, 'a non-negative integer (milliseconds)', 10),
      dbClientMetrics: parse(env, 'TC9_DB_CLIENT_METRICS', bool, 'true or false', false),
    },
    shutdownTimeoutMs: parse(env, 'TC9_SHUTDOWN_TIMEOUT_MS', positiveInt, 'a positive integer (milliseconds)', 5_000),
    sentry: {
      dsn: sentryDsn(env),
      debug: parse(env, 'SENTRY_DEBUG', bool, 'true or false', false),
      sessions: parse(env, 'TC9_SENTRY_SESSIONS', bool, 'true or false', false),
    },
    store: {
      clickhouseUrl,
      username: env.CLICKHOUSE_USER?.trim() || 'default',
      password: env.CLICKHOUSE_PASSWORD ?? '',
      database: parse(
        env,
        'CLICKHOUSE_DATABASE',
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
        'an identifier ([A-Za-z_][A-Za-z0-9_]*)',
        'otel',
      ),
      cluster: parse<string | undefined>(
        env,
        'CLICKHOUSE_CLUSTER',
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/),
        'a cluster name',
        undefined,
      ),
      dataDir: env.TC9_DATA_DIR?.trim() || '.tc9/data',
      retention: retention(env),
      writerPassword: env.CLICKHOUSE_WRITER_PASSWORD || undefined,
      readerPassword: env.CLICKHOUSE_READER_PASSWORD || undefined,
      writerUser: parse(env, 'CLICKHOUSE_WRITER_USER', z.string().regex(USER_NAME), USER_NAME_ACCEPTS, 'tc9_writer'),
      readerUser: parse(env, 'CLICKHOUSE_READER_USER', z.string().regex(USER_NAME), USER_NAME_ACCEPTS, 'tc9_reader'),
    },
    privacy: {
      redact: parse(env, 'TC9_PRIVACY_REDACT', bool, 'true or false', true),
      allowKeys: list(env.TC9_PRIVACY_ALLOW_KEYS),
      denyKeys: list(env.TC9_PRIVACY_DENY_KEYS),
      pseudonymizeKey: env.TC9_PSEUDONYMIZE_KEY || undefined,
      consentMode: parse(
        env,
        'TC9_CONSENT_MODE',
        oneOf(CONSENT_MODES),
        `one of ${CONSENT_MODES.join(', ')}`,
        'drop' as Config['privacy']['consentMode'],
      ),
      defaultConsent: parse(
        env,
        'TC9_CONSENT_DEFAULT',
        oneOf(CONSENT_DEFAULTS),
        `one of ${CONSENT_DEFAULTS.join(', ')}`,
        'denied' as Config['privacy']['defaultConsent'],
      ),
      ipMode: parse(env, 'TC9_IP_MODE', oneOf(IP_MODES), `one of ${IP_MODES.join(', ')}`, 'truncate' as Config['privacy']['ipMode']),
    },
    spool: {
      enabled: parse(env, 'TC9_SPOOL_ENABLED', bool, 'true or false', true),
      dir: env.TC9_SPOOL_DIR?.trim() || undefined,
      maxBytes: parse(
        env,
        'TC9_SPOOL_MAX_BYTES',
        byteSize,
        'a positive size in bytes, optionally with a unit (65536, 512KiB, 64MiB, 1GiB)',
        64 * 1024 ** 2,
      ),
      retryMaxMs: parse(env, 'TC9_SPOOL_RETRY_MAX_MS', positiveInt, 'a positive integer (milliseconds)', 30_000),
    },
    ingest: {
      writeKeys: list(env.TC9_INGEST_WRITE_KEYS),
      allowedOrigins: origins(env),
    },
  };
}
