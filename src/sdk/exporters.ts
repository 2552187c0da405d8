/**
 * Where telemetry goes (config.exporter): the collector over OTLP/HTTP (JSON), straight into the
 * ClickHouse store, or nowhere.
 */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Config } from '../config.js';
import { installOtlpTransport, OtlpExportControl } from './otlp-transport.js';

export interface Exporters {
  spans?: SpanExporter;
  metrics?: PushMetricExporter;
  logs?: LogRecordExporter;
  /** Releases what the exporters share (e.g. the store's ClickHouse client), after the providers shut down. */
  shutdown?(): Promise<void>;
  /** The OTLP exporters' network side, per signal: failed attempts as they happen, and close() at the shutdown deadline. */
  otlp?: { traces: OtlpExportControl; metrics: OtlpExportControl; logs: OtlpExportControl };
}

export async function createExporters(config: Config): Promise<Exporters> {
  switch (config.exporter) {
    case 'none':
      return {};
    case 'store':
      return loadStoreExporters(config);
    case 'otlp':
      return createOtlpExporters(config);
  }
}

/**
 * Metrics use delta temporality: every export carries only what happened in its interval, so the
 * ClickHouse tables can sum rows directly instead of differencing cumulative series per restart.
 */
export function createOtlpExporters(config: Config): Exporters {
  const { traces, metrics, logs, timeoutMs } = config.otlp;
  const otlp = {
    traces: new OtlpExportControl(`traces export to ${traces.url}`),
    metrics: new OtlpExportControl(`metrics export to ${metrics.url}`),
    logs: new OtlpExportControl(`logs export to ${logs.url}`),
  };
  const spans = new OTLPTraceExporter({
    url: traces.url,
    headers: traces.headers,
    timeoutMillis: timeoutMs,
    httpAgentOptions: otlp.traces.agentFactory,
  });
  const metricExporter = new OTLPMetricExporter({
    url: metrics.url,
    headers: metrics.headers,
    timeoutMillis: timeoutMs,
    temporalityPreference: AggregationTemporalityPreference.DELTA,
    httpAgentOptions: otlp.metrics.agentFactory,
  });
  const logExporter = new OTLPLogExporter({
    url: logs.url,
    headers: logs.headers,
    timeoutMillis: timeoutMs,
    httpAgentOptions: otlp.logs.agentFactory,
  });
  installOtlpTransport(spans, otlp.traces);
  installOtlpTransport(metricExporter, otlp.metrics);
  installOtlpTransport(logExporter, otlp.logs);
  return { spans, metrics: metricExporter, logs: logExporter, otlp };
}

/** Imported on demand: the store (and chDB, a large native engine) stay unloaded unless asked for. */
async function loadStoreExporters(config: Config): Promise<Exporters> {
  let mod: typeof import('../store/exporters.js');
  try {
    mod = await import('../store/exporters.js');
  } catch (error) {
    throw new Error(
      `tc9-observability: TC9_EXPORTER=store needs the ClickHouse store module (src/store/exporters.ts), which could not be loaded: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  return mod.createStoreExporters(config);
}
