/**
 * Starts OpenTelemetry (traces, metrics, logs, instrumentations) and then Sentry, once per process.
 * The OTel globals are process-wide, so is the one running instance kept here.
 */
import { diag } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { BatchLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import * as Sentry from '@sentry/node';
import type { Config } from '../config.js';
import { setupDiagLogger } from './diag.js';
import { ExportFailureReporter, reportingLogExporter, reportingMetricExporter, reportingSpanExporter } from './export-failures.js';
import { createExporters, type Exporters } from './exporters.js';
import { createInstrumentations } from './instrumentations.js';
import { createResource, RESOURCE_DETECTORS } from './resource.js';
import { createSampler } from './sampler.js';
import { PoolConnectSpanFilter } from './span-filter.js';
import { createSpoolingLogExporter } from './spool/index.js';
import { closeSentry, initSentry } from './sentry.js';
import { installShutdownHooks, withTimeout, type Outcome } from './shutdown.js';
import { createViews } from './views.js';
import { observeHeapLimit } from './heap-limit.js';
import { BaggageLogRecordProcessor, BaggageSpanProcessor } from './processors/baggage.js';
import { createPrivacyProcessors, type PrivacyProcessors } from './processors/privacy.js';
import type { ConsentRegistry } from '../privacy/consent.js';
import { setSdkHandle } from '../core/sdk-handle.js';
import { configFrom, type ConfigOptions } from '../options.js';

/**
 * Typed options (ConfigOptions: serviceName, sentryDsn, exporter, sampleRatio, privacy, ...) win over the
 * environment, which fills in the rest; `config` replaces both.
 */
export interface StartOptions extends ConfigOptions {
  /** A whole configuration (e.g. loadConfig(env)); set, the typed options and the environment are not read. */
  config?: Config;
  /** Run before the exporting batch processor, so they see (and may redact) every span first. */
  spanProcessors?: SpanProcessor[];
  /** Run before the exporting batch processor, so they see (and may redact) every log record first. */
  logRecordProcessors?: LogRecordProcessor[];
  /** Replace the exporters config.exporter would create, per signal. */
  exporters?: { spans?: SpanExporter; metrics?: PushMetricExporter; logs?: LogRecordExporter };
  /** Added to the configured auto-instrumentations. */
  instrumentations?: Instrumentation[];
  /** Share a consent registry with the application; by default start() creates one (config.privacy.defaultConsent). */
  consent?: ConsentRegistry;
}

export interface Telemetry {
  readonly config: Config;
  /** Per-user analytics consent the privacy processors apply: `telemetry.consent.set(userId, true)`. */
  readonly consent: ConsentRegistry;
  /** Exports everything buffered (spans, metrics, log records, Sentry events); bounded by config.shutdownTimeoutMs. */
  flush(): Promise<void>;
  /** Flushes and stops everything; bounded by config.shutdownTimeoutMs. Safe to call more than once. */
  shutdown(): Promise<void>;
}

let running: Promise<Telemetry | undefined> | undefined;

/**
 * Starts telemetry. Resolves to undefined when OTEL_SDK_DISABLED=true. A second call returns the
 * first call's instance. Throws ConfigError for an invalid configuration.
 */
export function start(options: StartOptions = {}): Promise<Telemetry | undefined> {
  if (running) {
    diag.warn('tc9-observability: start() called again; telemetry is already running');
    return running;
  }
  running = startOnce(options).catch((error: unknown) => {
    running = undefined;
    setSdkHandle(undefined);
    throw error;
  });
  setSdkHandle({ shutdown });
  return running;
}

/** Stops the running telemetry, if any, after flushing it. */
export async function shutdown(): Promise<void> {
  const telemetry = await running?.catch(() => undefined);
  running = undefined;
  setSdkHandle(undefined);
  await telemetry?.shutdown();
}

async function startOnce(options: StartOptions): Promise<Telemetry | undefined> {
  const config = options.config ?? configFrom(options);
  if (config.disabled) return undefined;
  const instrumentations = [...createInstrumentations(config), ...(options.instrumentations ?? [])];
  const exporters = { ...(await createExporters(config)), ...options.exporters } as Exporters;
  const privacy = createPrivacyProcessors(config.privacy, { consent: options.consent });
  const pipeline = createPipeline(config, exporters, options, privacy);

  const sdk = new NodeSDK({
    resource: createResource(config),
    resourceDetectors: RESOURCE_DETECTORS,
    sampler: createSampler(config.sampler),
    textMapPropagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    spanProcessors: pipeline.spanProcessors,
    logRecordProcessors: pipeline.logRecordProcessors,
    metricReaders: pipeline.metricReaders,
    views: createViews(),
    instrumentations,
  });
  // After NodeSDK's constructor, which installs a console logger of its own when OTEL_LOG_LEVEL is set.
  setupDiagLogger(config.logLevel);
  sdk.start();
  observeHeapLimit();

  const timeoutMs = config.shutdownTimeoutMs;
  let stopped: Promise<Outcome> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      removeHooks();
      return withTimeout(
        Promise.allSettled([sdk.shutdown(), closeSentry(timeoutMs)]).then(() => exporters.shutdown?.()),
        timeoutMs,
      );
    })());
  const telemetry: Telemetry = {
    config,
    consent: privacy.consent,
    flush: async () => {
      await withTimeout(Promise.all([pipeline.flush(), Sentry.isInitialized() ? Sentry.flush(timeoutMs) : undefined]), timeoutMs);
    },
    shutdown: async () => {
      await stop();
    },
  };

  // After OTel, so Sentry finds the OTel context and registers no tracer provider of its own.
  initSentry(config, {
    onFatalError: (error) => {
      console.error(error);
      void telemetry.shutdown().finally(() => process.exit(1));
    },
  });
  const removeHooks = installShutdownHooks({ flush: telemetry.flush, shutdown: stop });
  return telemetry;
}

/**
 * Order matters: identity from baggage is copied onto spans and records first, so the privacy
 * processors pseudonymise and consent-check it too; privacy wraps the exporting log processor so a
 * record dropped for lack of consent is never exported.
 */
function createPipeline(config: Config, exporters: Exporters, options: StartOptions, privacy: PrivacyProcessors) {
  const target = (signal: string) =>
    config.exporter === 'otlp'
      ? `${signal} export to ${config.otlp[signal as 'traces' | 'metrics' | 'logs'].url}`
      : `${signal} export (${config.exporter})`;

  const spanProcessors: SpanProcessor[] = [new BaggageSpanProcessor(), privacy.spanProcessor, ...(options.spanProcessors ?? [])];
  if (exporters.spans) {
    const { maxQueueSize, maxExportBatchSize, scheduledDelayMs } = config.batch.spans;
    const exporter = reportingSpanExporter(exporters.spans, new ExportFailureReporter(target('traces')));
    const batching = new BatchSpanProcessor({ exporter, maxQueueSize, maxExportBatchSize, scheduledDelayMillis: scheduledDelayMs });
    const minMs = config.detail.pgConnectSpanMinMs;
    spanProcessors.push(minMs > 0 ? new PoolConnectSpanFilter(batching, minMs) : batching);
  }

  const logRecordProcessors: LogRecordProcessor[] = [new BaggageLogRecordProcessor(), ...(options.logRecordProcessors ?? [])];
  if (exporters.logs) {
    const { maxQueueSize, maxExportBatchSize, scheduledDelayMs } = config.batch.logs;
    // The OTLP exporter (not one passed in options) keeps what the collector cannot take in the disk spool.
    const spooled = config.exporter === 'otlp' && config.spool.enabled && !options.exporters?.logs;
    const inner = spooled ? createSpoolingLogExporter(exporters.logs, config, target('logs')) : exporters.logs;
    const exporter = reportingLogExporter(inner, new ExportFailureReporter(target('logs')));
    const exporting = new BatchLogRecordProcessor({ exporter, maxQueueSize, maxExportBatchSize, scheduledDelayMillis: scheduledDelayMs });
    logRecordProcessors.push(privacy.wrapLogRecordProcessor(exporting));
  } else {
    logRecordProcessors.push(privacy.logRecordProcessor);
  }

  const metricReaders: IMetricReader[] = [];
  if (exporters.metrics) {
    const exporter = reportingMetricExporter(exporters.metrics, new ExportFailureReporter(target('metrics')));
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.metricIntervalMs,
        exportTimeoutMillis: Math.min(config.otlp.timeoutMs, config.metricIntervalMs),
      }),
    );
  }

  const flush = () =>
    Promise.allSettled([
      ...spanProcessors.map((p) => p.forceFlush()),
      ...logRecordProcessors.map((p) => p.forceFlush()),
      ...metricReaders.map((r) => r.forceFlush()),
    ]);
  return { spanProcessors, logRecordProcessors, metricReaders, flush };
}
