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
import {
  ExportFailureReporter,
  OutageReporter,
  reportingLogExporter,
  reportingMetricExporter,
  reportingSpanExporter,
} from './export-failures.js';
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
      // After a signal the app handled, the bound counts from the signal (a flush started then); but the
      // final export gets at least a short while.
      const budget = signalDeadline === undefined ? timeoutMs : Math.min(timeoutMs, Math.max(signalDeadline - Date.now(), FINAL_FLOOR_MS));
      const work = Promise.allSettled([sdk.shutdown(), closeSentry(budget)]).then(() => exporters.shutdown?.());
      const outcome = await withTimeout(work, budget);
      if (outcome === 'done') return outcome;
      // Past the bound: what is still being exported is dropped, never waited for. The exports in flight are
      // answered as failed now, so the processors finish (log records go to the spool) within a short grace.
      abandonExports(exporters, timeoutMs, true);
      await withTimeout(work, ABANDON_GRACE_MS);
      return outcome;
    })());
  const flush = async (hold: boolean) => {
    await withTimeout(Promise.all([pipeline.flush(), Sentry.isInitialized() ? Sentry.flush(timeoutMs) : undefined]), timeoutMs, { hold });
  };
  // A signal the app handles itself: flush without holding the process, and at the bound abandon the exports
  // still under way (the batch processors' export timers would keep the process up to 30 s). The shutdown
  // when the app exits then has what is left of the bound.
  let signalDeadline: number | undefined;
  const flushAtSignal = async () => {
    signalDeadline ??= Date.now() + timeoutMs;
    const outcome = await withTimeout(pipeline.flush(), timeoutMs, { hold: false });
    if (outcome === 'timeout' && !stopped) abandonExports(exporters, timeoutMs, false);
  };
  const telemetry: Telemetry = {
    config,
    consent: privacy.consent,
    flush: () => flush(true),
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
  const removeHooks = installShutdownHooks({ flush: flushAtSignal, shutdown: stop });
  return telemetry;
}

/** After the shutdown bound, how long the processors get to take note of the exports answered as failed (and the spool to write). */
const ABANDON_GRACE_MS = 300;
/** The final shutdown's least time after a signal the app handled, when the app took the bound itself. */
const FINAL_FLOOR_MS = 1000;

function abandonExports(exporters: Exporters, timeoutMs: number, close: boolean): void {
  for (const control of Object.values(exporters.otlp ?? {})) {
    const reason = `not sent within the shutdown bound (TC9_SHUTDOWN_TIMEOUT_MS=${timeoutMs})`;
    const abandoned = close ? control.close(reason) : control.abandon(reason);
    if (abandoned > 0) {
      diag.warn(
        `tc9-observability: ${control.what}: ${abandoned} export(s) still under way after TC9_SHUTDOWN_TIMEOUT_MS=${timeoutMs} ` +
          `were abandoned; their data is dropped${control.what.startsWith('logs') ? ' (or kept in the log spool, if on)' : ''}`,
      );
    }
  }
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
    const reporter = new OutageReporter(new ExportFailureReporter(target('traces')));
    if (exporters.otlp && !options.exporters?.spans) exporters.otlp.traces.onAttemptFailed = (e) => reporter.attemptFailed(e);
    const exporter = reportingSpanExporter(exporters.spans, reporter);
    const batching = new BatchSpanProcessor({ exporter, maxQueueSize, maxExportBatchSize, scheduledDelayMillis: scheduledDelayMs });
    const minMs = config.detail.pgConnectSpanMinMs;
    spanProcessors.push(minMs > 0 ? new PoolConnectSpanFilter(batching, minMs) : batching);
  }

  const logRecordProcessors: LogRecordProcessor[] = [new BaggageLogRecordProcessor(), ...(options.logRecordProcessors ?? [])];
  if (exporters.logs) {
    const { maxQueueSize, maxExportBatchSize, scheduledDelayMs } = config.batch.logs;
    // The OTLP exporter (not one passed in options) keeps what the collector cannot take in the disk spool.
    const spooled = config.exporter === 'otlp' && config.spool.enabled && !options.exporters?.logs;
    const reporter = new OutageReporter(new ExportFailureReporter(target('logs')));
    let inner = exporters.logs;
    if (spooled) {
      const spooling = createSpoolingLogExporter(exporters.logs, config, target('logs'));
      // The spool reports the outage itself (and keeps what fails): it hears of the first failed attempt.
      if (exporters.otlp) exporters.otlp.logs.onAttemptFailed = (e) => spooling.attemptFailed(e);
      inner = spooling;
    } else if (exporters.otlp && !options.exporters?.logs) {
      exporters.otlp.logs.onAttemptFailed = (e) => reporter.attemptFailed(e);
    }
    const exporter = reportingLogExporter(inner, reporter);
    const exporting = new BatchLogRecordProcessor({ exporter, maxQueueSize, maxExportBatchSize, scheduledDelayMillis: scheduledDelayMs });
    logRecordProcessors.push(privacy.wrapLogRecordProcessor(exporting));
  } else {
    logRecordProcessors.push(privacy.logRecordProcessor);
  }

  const metricReaders: IMetricReader[] = [];
  if (exporters.metrics) {
    const reporter = new OutageReporter(new ExportFailureReporter(target('metrics')));
    if (exporters.otlp && !options.exporters?.metrics) exporters.otlp.metrics.onAttemptFailed = (e) => reporter.attemptFailed(e);
    const exporter = reportingMetricExporter(exporters.metrics, reporter);
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
