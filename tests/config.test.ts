/** src/config.ts: defaults, the standard OTEL_* variables, and one clear error per bad value. */
import { describe, expect, it } from 'vitest';
import { ConfigError, debugRequested, loadConfig } from '../src/config.js';

const errorFor = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
};

describe('defaults', () => {
  const config = loadConfig({});

  it('exports to a local collector over OTLP/HTTP', () => {
    expect(config.exporter).toBe('otlp');
    expect(config.otlp.traces.url).toBe('http://localhost:4318/v1/traces');
    expect(config.otlp.metrics.url).toBe('http://localhost:4318/v1/metrics');
    expect(config.otlp.logs.url).toBe('http://localhost:4318/v1/logs');
    expect(config.otlp.timeoutMs).toBe(10_000);
  });

  it('samples everything, parent-based, and batches within bounds', () => {
    expect(config.sampler).toEqual({ name: 'parentbased_always_on', ratio: 1 });
    expect(config.batch.spans).toEqual({ maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMs: 5000 });
    expect(config.batch.logs).toEqual({ maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMs: 1000 });
    expect(config.metricIntervalMs).toBe(60_000);
    expect(config.shutdownTimeoutMs).toBe(5000);
  });

  it('is enabled, quiet, without Sentry, with no instrumentation overrides', () => {
    expect(config.disabled).toBe(false);
    expect(config.logLevel).toBe('warn');
    expect(config.sentry).toEqual({ dsn: undefined, debug: false, sessions: false });
    expect(config.instrumentations).toEqual({ enabled: undefined, disabled: [] });
    expect(config.serviceName).toBe('unknown_service:node');
    expect(config.environment).toBe('development');
    expect(config.release).toBe('unknown_service:node@0.0.0');
  });

  it('leaves out per-request detail no dashboard reads: Prisma query spans, routine pool waits, pg metrics, Sentry sessions', () => {
    expect(config.detail).toEqual({ prismaQuerySpans: false, pgConnectSpanMinMs: 10, dbClientMetrics: false });
  });
});

describe('per-request detail', () => {
  it('turns each part back on', () => {
    const config = loadConfig({
      TC9_PRISMA_QUERY_SPANS: 'true',
      TC9_PG_CONNECT_SPAN_MIN_MS: '0',
      TC9_DB_CLIENT_METRICS: '1',
      TC9_SENTRY_SESSIONS: 'true',
    });
    expect(config.detail).toEqual({ prismaQuerySpans: true, pgConnectSpanMinMs: 0, dbClientMetrics: true });
    expect(config.sentry.sessions).toBe(true);
    expect(loadConfig({ TC9_PG_CONNECT_SPAN_MIN_MS: '250' }).detail.pgConnectSpanMinMs).toBe(250);
  });
});

describe('standard variables', () => {
  it('derives the signal URLs from OTEL_EXPORTER_OTLP_ENDPOINT and lets each signal override it', () => {
    const config = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics.example/custom',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-team=obs',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-team=logs',
    });
    expect(config.otlp.traces).toEqual({
      url: 'https://collector.example:4318/v1/traces',
      headers: { authorization: 'Bearer abc', 'x-team': 'obs' },
    });
    expect(config.otlp.metrics.url).toBe('http://metrics.example/custom');
    expect(config.otlp.logs.headers).toEqual({ authorization: 'Bearer abc', 'x-team': 'logs' });
  });

  it('reads service identity from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', () => {
    const config = loadConfig({
      OTEL_SERVICE_NAME: 'migrations',
      OTEL_RESOURCE_ATTRIBUTES: 'service.version=2.1.0,deployment.environment.name=staging,team=data',
    });
    expect(config.serviceName).toBe('migrations');
    expect(config.serviceVersion).toBe('2.1.0');
    expect(config.environment).toBe('staging');
    expect(config.release).toBe('migrations@2.1.0');
    expect(config.resourceAttributes).toMatchObject({ team: 'data' });
  });

  it('takes release and environment for Sentry from SENTRY_* when given', () => {
    const config = loadConfig({ SENTRY_DSN: 'https://key@o1.ingest.sentry.io/42', SENTRY_RELEASE: 'r-7', SENTRY_ENVIRONMENT: 'prod' });
    expect(config.sentry.dsn).toBe('https://key@o1.ingest.sentry.io/42');
    expect(config.release).toBe('r-7');
    expect(config.environment).toBe('prod');
  });

  it('parses sampler, batch sizes, intervals, lists and switches', () => {
    const config = loadConfig({
      OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
      OTEL_METRIC_EXPORT_INTERVAL: '15000',
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http, pg,express',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs',
      OTEL_SDK_DISABLED: 'true',
      OTEL_LOG_LEVEL: 'DEBUG',
      TC9_EXPORTER: 'none',
      TC9_SHUTDOWN_TIMEOUT_MS: '2000',
    });
    expect(config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
    // The batch can never exceed the queue.
    expect(config.batch.spans.maxExportBatchSize).toBe(100);
    expect(config.metricIntervalMs).toBe(15_000);
    expect(config.instrumentations).toEqual({ enabled: ['http', 'pg', 'express'], disabled: ['fs'] });
    expect(config.disabled).toBe(true);
    expect(config.logLevel).toBe('debug');
    expect(config.exporter).toBe('none');
    expect(config.shutdownTimeoutMs).toBe(2000);
  });
});

describe('invalid values', () => {
  it.each([
    ['OTEL_TRACES_SAMPLER', 'sometimes', 'one of always_on'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5', 'a number from 0 to 1'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'notaurl', 'an http(s) URL'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'ftp://collector/v1/traces', 'an http(s) URL'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'novalue', 'key=value'],
    ['OTEL_BSP_SCHEDULE_DELAY', '-5', 'a positive integer'],
    ['OTEL_METRIC_EXPORT_INTERVAL', 'soon', 'a positive integer'],
    ['OTEL_SDK_DISABLED', 'yes', 'true or false'],
    ['OTEL_LOG_LEVEL', 'loud', 'one of none'],
    ['TC9_EXPORTER', 'kafka', 'one of otlp, store, none'],
    ['SENTRY_DSN', 'https://sentry.io/42', 'a Sentry DSN'],
    ['TC9_SHUTDOWN_TIMEOUT_MS', '0', 'a positive integer'],
    ['TC9_PG_CONNECT_SPAN_MIN_MS', '-1', 'a non-negative integer'],
    ['TC9_PRISMA_QUERY_SPANS', 'yes', 'true or false'],
    ['TC9_SENTRY_SESSIONS', 'on', 'true or false'],
  ])('%s=%s names the variable, the value and what it accepts', (variable, value, accepts) => {
    const error = errorFor({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.value).toBe(value);
    expect(error.message).toContain(`invalid ${variable}=${JSON.stringify(value)}`);
    expect(error.message).toContain(accepts);
    expect(error.message.split('\n')).toHaveLength(1);
  });
});

describe('ClickHouse users and CLI debugging (tc9-obs)', () => {
  it('names the writer and reader users tc9_writer and tc9_reader unless CLICKHOUSE_WRITER_USER / CLICKHOUSE_READER_USER say otherwise', () => {
    expect(loadConfig({}).store).toMatchObject({ writerUser: 'tc9_writer', readerUser: 'tc9_reader' });
    expect(loadConfig({ CLICKHOUSE_WRITER_USER: 'otel_w', CLICKHOUSE_READER_USER: 'grafana.r' }).store).toMatchObject({
      writerUser: 'otel_w',
      readerUser: 'grafana.r',
    });
    const error = errorFor({ CLICKHOUSE_READER_USER: 'bad name' });
    expect(error.variable).toBe('CLICKHOUSE_READER_USER');
    expect(error.message).toContain('a ClickHouse user name');
  });

  it('turns TC9_DEBUG on for any value but empty, 0 and false', () => {
    expect(debugRequested({})).toBe(false);
    for (const off of ['', '0', 'false', 'FALSE']) expect(debugRequested({ TC9_DEBUG: off })).toBe(false);
    for (const on of ['1', 'true', 'yes']) expect(debugRequested({ TC9_DEBUG: on })).toBe(true);
  });
});

describe('log spool (TC9_SPOOL_*)', () => {
  it('is on, in the default directory, bounded at 64 MiB, retrying at least every 30 s by default', () => {
    expect(loadConfig({}).spool).toEqual({ enabled: true, dir: undefined, maxBytes: 64 * 1024 * 1024, retryMaxMs: 30_000 });
  });

  it('reads the directory, the switch, the bound in bytes or binary units, and the retry ceiling', () => {
    const config = loadConfig({
      TC9_SPOOL_ENABLED: 'false',
      TC9_SPOOL_DIR: ' /var/spool/shop ',
      TC9_SPOOL_MAX_BYTES: '512KiB',
      TC9_SPOOL_RETRY_MAX_MS: '5000',
    });
    expect(config.spool).toEqual({ enabled: false, dir: '/var/spool/shop', maxBytes: 512 * 1024, retryMaxMs: 5000 });
    expect(loadConfig({ TC9_SPOOL_MAX_BYTES: '65536' }).spool.maxBytes).toBe(65536);
    expect(loadConfig({ TC9_SPOOL_MAX_BYTES: '1 GiB' }).spool.maxBytes).toBe(1024 ** 3);
    expect(loadConfig({ TC9_SPOOL_MAX_BYTES: '64mib' }).spool.maxBytes).toBe(64 * 1024 ** 2);
  });

  it.each([
    ['TC9_SPOOL_MAX_BYTES', '0', 'a positive size in bytes'],
    ['TC9_SPOOL_MAX_BYTES', '64MB', 'optionally with a unit (65536, 512KiB, 64MiB, 1GiB)'],
    ['TC9_SPOOL_MAX_BYTES', '-1', 'a positive size in bytes'],
    ['TC9_SPOOL_ENABLED', 'yes', 'true or false'],
    ['TC9_SPOOL_RETRY_MAX_MS', '1.5', 'a positive integer (milliseconds)'],
  ])('rejects %s=%s naming the variable', (variable, value, accepts) => {
    const error = errorFor({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(accepts);
  });
});
