/** The small parts: failure reporting, instrumentation selection, the Sentry event scrubber. */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, InstrumentType, MeterProvider, MetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from '../../src/config.js';
import { ExportFailureReporter, reportingMetricExporter, reportingSpanExporter } from '../../src/sdk/export-failures.js';
import {
  createInstrumentations,
  INSTRUMENTATION_NAMES,
  selectInstrumentations,
  sentryEnvelopeMatcher,
} from '../../src/sdk/instrumentations.js';

describe('export failure reporting', () => {
  const logged: { level: string; message: string }[] = [];
  const logger: DiagLogger = {
    error: (message) => logged.push({ level: 'error', message }),
    warn: (message) => logged.push({ level: 'warn', message }),
    info: (message) => logged.push({ level: 'info', message }),
    debug: () => {},
    verbose: () => {},
  };
  beforeEach(() => {
    logged.length = 0;
    diag.setLogger(logger, { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
  });
  afterEach(() => diag.disable());

  function failingExporter(results: ExportResult[]): SpanExporter {
    return {
      export: (_spans, done) => done(results.shift() ?? { code: ExportResultCode.SUCCESS }),
      shutdown: async () => {},
    };
  }
  const exportOnce = (exporter: SpanExporter) => new Promise<ExportResult>((resolve) => exporter.export([], resolve));

  it('reports a failing collector once per interval with the number of lost batches, then its recovery', async () => {
    let now = 0;
    const reporter = new ExportFailureReporter('traces export to http://collector/v1/traces', 60_000, () => now);
    const refused = { code: ExportResultCode.FAILED, error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) };
    const exporter = reportingSpanExporter(failingExporter(Array.from({ length: 12 }, () => ({ ...refused }))), reporter);

    for (let i = 0; i < 10; i++) {
      // The processor is told the batch is dealt with, so it does not log it again itself.
      expect((await exportOnce(exporter)).code).toBe(ExportResultCode.SUCCESS);
      now += 1000;
    }
    expect(logged).toEqual([
      { level: 'warn', message: expect.stringContaining('traces export to http://collector/v1/traces failed: connect ECONNREFUSED') },
    ]);

    now += 60_000;
    await exportOnce(exporter);
    expect(logged).toHaveLength(2);
    expect(logged[1]!.message).toContain('9 more batches lost since the last report');

    await exportOnce(exporter); // 12th failure: within the interval, silent
    await exportOnce(exporter); // success
    expect(logged).toHaveLength(3);
    expect(logged[2]).toEqual({ level: 'info', message: expect.stringContaining('works again; 1 batches were lost') });
  });

  it('keeps the metric exporter’s temporality choice', () => {
    const inner: PushMetricExporter = {
      export: (_m, done) => done({ code: ExportResultCode.SUCCESS }),
      forceFlush: async () => {},
      shutdown: async () => {},
      selectAggregationTemporality: () => AggregationTemporality.DELTA,
    };
    const wrapped = reportingMetricExporter(inner, new ExportFailureReporter('metrics'));
    expect(wrapped.selectAggregationTemporality!(InstrumentType.COUNTER)).toBe(AggregationTemporality.DELTA);
  });
});

describe('instrumentation selection', () => {
  it('turns fs, dns and net off by default and everything we need on', () => {
    const on = selectInstrumentations({ enabled: undefined, disabled: [] });
    for (const name of ['fs', 'dns', 'net', 'router']) expect(on(name)).toBe(false);
    for (const name of ['http', 'undici', 'express', 'fastify', 'pg', 'prisma', 'runtime-node']) expect(on(name)).toBe(true);
  });

  it('lets the enabled list replace the defaults and the disabled list remove from it', () => {
    const on = selectInstrumentations({ enabled: ['http', 'fs', 'pg'], disabled: ['pg'] });
    expect(['http', 'fs', 'pg', 'express'].map(on)).toEqual([true, true, false, false]);
    expect(selectInstrumentations({ enabled: undefined, disabled: ['prisma'] })('prisma')).toBe(false);
    expect(selectInstrumentations({ enabled: ['express', 'router'], disabled: [] })('router')).toBe(true);
  });

  it('rejects unknown names with the variable and the known names', () => {
    expect(() => selectInstrumentations({ enabled: undefined, disabled: ['htpp'] })).toThrow(ConfigError);
    expect(() => selectInstrumentations({ enabled: ['http', 'htpp'], disabled: [] })).toThrow(
      /invalid OTEL_NODE_ENABLED_INSTRUMENTATIONS="http,htpp".*unknown: htpp.*known: .*express/,
    );
    expect(INSTRUMENTATION_NAMES).toEqual(expect.arrayContaining(['http', 'pg', 'prisma', 'fastify', 'runtime-node', 'fs']));
  });
});

describe('per-request detail of the pg and Prisma instrumentations', () => {
  class ManualReader extends MetricReader {
    protected override async onShutdown(): Promise<void> {}
    protected override async onForceFlush(): Promise<void> {}
  }

  /** The pg and Prisma instrumentations as start() builds them, disabled again right after (they patch module loading). */
  function build(env: Env) {
    const list = createInstrumentations(loadConfig({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pg,prisma', ...env }));
    for (const i of list) i.disable();
    const named = (name: string) => list.find((i) => i.instrumentationName === name)!;
    return { pg: named('@opentelemetry/instrumentation-pg'), prisma: named('@prisma/instrumentation') };
  }

  it('builds Prisma without its db_query spans (pg.query has the same SQL) unless TC9_PRISMA_QUERY_SPANS=true', () => {
    const ignored = (env: Env) => (build(env).prisma.getConfig() as { ignoreSpanTypes?: string[] }).ignoreSpanTypes;
    expect(ignored({})).toEqual(['prisma:client:serialize', 'prisma:client:compile', 'prisma:client:db_query']);
    expect(ignored({ TC9_PRISMA_QUERY_SPANS: 'true' })).toEqual(['prisma:client:serialize', 'prisma:client:compile']);
  });

  it("keeps pg's db.client.* metrics off the SDK's meter provider unless TC9_DB_CLIENT_METRICS=true", async () => {
    const recorded = async (env: Env) => {
      const reader = new ManualReader();
      const provider = new MeterProvider({ readers: [reader] });
      const { pg } = build(env);
      // What NodeSDK does with every instrumentation at start.
      pg.setMeterProvider(provider);
      pg.meter.createCounter('probe').add(1);
      const { resourceMetrics } = await reader.collect();
      await provider.shutdown();
      return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    };
    expect(await recorded({})).toEqual([]);
    expect(await recorded({ TC9_DB_CLIENT_METRICS: 'true' })).toEqual(['probe']);
  });

  it("recognises Sentry's envelope requests for its DSN host only", () => {
    const isEnvelope = sentryEnvelopeMatcher('https://key@o1.ingest.sentry.io/42');
    expect(isEnvelope({ hostname: 'o1.ingest.sentry.io', path: '/api/42/envelope/?sentry_key=key' })).toBe(true);
    expect(isEnvelope({ host: 'o1.ingest.sentry.io:443', path: '/api/42/envelope/' })).toBe(true);
    expect(isEnvelope({ hostname: 'api.example.com', path: '/api/42/envelope/' })).toBe(false);
    expect(isEnvelope({ hostname: 'o1.ingest.sentry.io', path: '/api/42/store/' })).toBe(false);
    expect(sentryEnvelopeMatcher(undefined)({ hostname: 'o1.ingest.sentry.io', path: '/api/42/envelope/' })).toBe(false);
  });
});
