/**
 * Embedded mode without a collector: OTel SDK exporters that write the same rows the collector's
 * clickhouseexporter would, through one batched writer into the configured store (chDB by default).
 *
 * The embedded store is migrated on start (it has no separate deploy step); a ClickHouse server is
 * expected to be migrated already by `tc9-obs db migrate` (the writer user may not create tables).
 * Counters and histograms are asked for delta temporality, which keeps the store's sums simple.
 * A failing store never throws into the app: rows are counted as dropped or failed and reported via diag.
 */
import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InstrumentType, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { Config } from '../config.js';
import { ExportFailureReporter } from '../core/export-failures.js';
import { toError } from '../core/errors.js';
import { createStore } from './create-store.js';
import { migrate } from './migrate.js';
import { logOwnColumns, logSharedColumns, type LogOwnColumns, type LogSharedColumns } from './rows/logs.js';
import { metricRows } from './rows/metrics.js';
import { traceRow } from './rows/spans.js';
import type { Store } from './store.js';
import { BatchWriter, type BatchWriterOptions, type WriterStats } from './writer.js';

export interface StoreExporters {
  spans: SpanExporter;
  metrics: PushMetricExporter;
  logs: LogRecordExporter;
  /** Rows written, dropped (buffer full) and failed (insert errors) so far. */
  stats(): WriterStats;
  /** Flushes and closes the store; also happens once all three exporters were shut down. */
  shutdown(): Promise<void>;
}

const DELTA_INSTRUMENTS = new Set([InstrumentType.COUNTER, InstrumentType.OBSERVABLE_COUNTER, InstrumentType.HISTOGRAM]);

/** A refused batch is answered FAILED, not logged here: start()'s export-failure reporter logs it, once per interval. */
function done(callback: (result: ExportResult) => void, accepted: boolean, what: string): void {
  callback(
    accepted
      ? { code: ExportResultCode.SUCCESS }
      : { code: ExportResultCode.FAILED, error: new Error(`store buffer full: ${what} dropped`) },
  );
}

function convert<T>(rows: () => T, callback: (result: ExportResult) => void): T | undefined {
  try {
    return rows();
  } catch (err) {
    diag.error('tc9-observability: could not convert telemetry to store rows', err);
    callback({ code: ExportResultCode.FAILED, error: toError(err) });
    return undefined;
  }
}

/** A batch's rows by their resource and scope (one group in a process with one logger provider). */
function logRowGroups(items: ReadableLogRecord[]): Map<Readonly<LogSharedColumns>, LogOwnColumns[]> {
  const groups = new Map<Readonly<LogSharedColumns>, LogOwnColumns[]>();
  for (const item of items) {
    const shared = logSharedColumns(item);
    let rows = groups.get(shared);
    if (!rows) {
      rows = [];
      groups.set(shared, rows);
    }
    rows.push(logOwnColumns(item));
  }
  return groups;
}

export async function createStoreExporters(config: Config, writerOptions: BatchWriterOptions = {}): Promise<StoreExporters> {
  const store: Store = createStore(config.store);
  if (store.kind === 'chdb') await migrate(store, { retention: config.store.retention });
  // One report per table and interval: a store that is down fails every flush, for every table.
  const reporters = new Map<string, ExportFailureReporter>();
  const writer = new BatchWriter(store, {
    onError: (err, table) => {
      let reporter = reporters.get(table);
      if (!reporter) {
        reporter = new ExportFailureReporter(`insert into ${table} (${store.kind} store)`);
        reporters.set(table, reporter);
      }
      reporter.failed(err);
    },
    ...writerOptions,
  });

  let open = 3;
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= writer.close().then(() => store.close());
    return closing;
  };
  const release = async (): Promise<void> => {
    await writer.flush();
    if (--open === 0) await shutdown();
  };

  const spans: SpanExporter = {
    export(items: ReadableSpan[], callback) {
      const rows = convert(() => items.map(traceRow), callback);
      if (rows) done(callback, writer.write('otel_traces', rows), `${rows.length} spans`);
    },
    forceFlush: () => writer.flush(),
    shutdown: release,
  };

  const logs: LogRecordExporter = {
    export(items: ReadableLogRecord[], callback) {
      const groups = convert(() => logRowGroups(items), callback);
      if (!groups) return;
      let accepted = true;
      for (const [shared, rows] of groups) accepted = writer.write('otel_logs', rows, shared) && accepted;
      done(callback, accepted, `${items.length} log records`);
    },
    forceFlush: () => writer.flush(),
    shutdown: release,
  };

  const metrics: PushMetricExporter = {
    export(collection: ResourceMetrics, callback) {
      const rows = convert(() => metricRows(collection), callback);
      if (!rows) return;
      const byTable = new Map<string, object[]>();
      for (const { table, row } of rows) byTable.set(table, [...(byTable.get(table) ?? []), row]);
      let accepted = true;
      for (const [table, tableRows] of byTable) accepted = writer.write(table, tableRows) && accepted;
      done(callback, accepted, `${rows.length} metric points`);
    },
    forceFlush: () => writer.flush(),
    selectAggregationTemporality: (type: InstrumentType) =>
      DELTA_INSTRUMENTS.has(type) ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    shutdown: release,
  };

  return { spans, metrics, logs, stats: () => writer.stats(), shutdown };
}
