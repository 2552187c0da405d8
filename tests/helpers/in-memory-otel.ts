/**
 * Real OpenTelemetry SDK providers registered as the globals, exporting to memory, for tests of code that
 * emits through @opentelemetry/api (the package's own API: migrations, analytics, errors, monitors).
 *
 *   const otel = installInMemoryOtel();
 *   ... code under test ...
 *   otel.spans(); otel.logs(); await otel.metric('tc9.errors');
 *   await otel.uninstall();
 *
 * `spanProcessors` / `logRecordProcessors` run before the exporting ones, as start() places them;
 * `wrapLogRecordProcessor` may wrap the exporting log processor (privacy's consent drop does that).
 */
import { context, logs, metrics, propagation, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface MetricPoint {
  attributes: Attributes;
  /** Counter / gauge value, or the histogram's sum. */
  value: number;
  /** Histogram only. */
  count?: number;
  boundaries?: number[];
}

export interface InMemoryOtel {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  loggerProvider: LoggerProvider;
  spans(): ReadableSpan[];
  logs(): ReadableLogRecord[];
  /** Collects now (cumulative temporality) and returns the points of one instrument (empty when absent). */
  metric(name: string): Promise<MetricPoint[]>;
  /** Collects now and returns every metric. */
  collect(): Promise<MetricData[]>;
  reset(): void;
  uninstall(): Promise<void>;
}

export interface InMemoryOtelOptions {
  spanProcessors?: SpanProcessor[];
  logRecordProcessors?: LogRecordProcessor[];
  wrapLogRecordProcessor?: (exporting: LogRecordProcessor) => LogRecordProcessor;
}

export function installInMemoryOtel(options: InMemoryOtelOptions = {}): InMemoryOtel {
  const spanExporter = new InMemorySpanExporter();
  const logExporter = new InMemoryLogRecordExporter();
  const reader = new ManualReader();
  const tracerProvider = new TracerProvider({
    spanProcessors: [...(options.spanProcessors ?? []), new SimpleSpanProcessor({ exporter: spanExporter })],
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporting: LogRecordProcessor = new SimpleLogRecordProcessor({ exporter: logExporter });
  const loggerProvider = new LoggerProvider({
    processors: [
      ...(options.logRecordProcessors ?? []),
      options.wrapLogRecordProcessor ? options.wrapLogRecordProcessor(exporting) : exporting,
    ],
  });

  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  logs.setGlobalLoggerProvider(loggerProvider);

  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  };

  return {
    tracerProvider,
    meterProvider,
    loggerProvider,
    spans: () => spanExporter.getFinishedSpans(),
    logs: () => logExporter.getFinishedLogRecords(),
    collect,
    metric: async (name) => {
      const found = (await collect()).filter((m) => m.descriptor.name === name);
      return found.flatMap((m) =>
        m.dataPoints.map((p): MetricPoint => {
          if (m.dataPointType === DataPointType.HISTOGRAM) {
            const h = p.value as { sum?: number; count: number; buckets: { boundaries: number[] } };
            return { attributes: p.attributes, value: h.sum ?? 0, count: h.count, boundaries: h.buckets.boundaries };
          }
          return { attributes: p.attributes, value: p.value as number };
        }),
      );
    },
    reset: () => {
      spanExporter.reset();
      logExporter.reset();
    },
    uninstall: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      logs.disable();
      propagation.disable();
      context.disable();
      contextManager.disable();
    },
  };
}

/** Sum of the points' values whose attributes include every given pair. */
export function sumWhere(points: MetricPoint[], match: Attributes = {}): number {
  return points.filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v)).reduce((total, p) => total + p.value, 0);
}
