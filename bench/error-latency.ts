/**
 * Benchmark 5: how long until a captured error can be queried, in embedded mode with default settings
 * (child process under register.js, TC9_EXPORTER=store). Baseline: the store's own latency for the same kind
 * of row inserted directly. The collector path's extra delay is read from otel-collector-config.yaml.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Benchmark } from './benchmark.js';
import { runChild } from './child.js';
import type { ErrorLatencyChildResult } from './children/error-latency.js';
import { repoRoot } from './machine.js';
import { goals } from './report.js';
import { max, median } from './stats.js';

interface CollectorConfig {
  exporters?: Record<string, { sending_queue?: { batch?: { flush_timeout?: string } }; async_insert?: boolean }>;
}

/** The clickhouse exporter's batch flush timeout, as configured (e.g. "5s"), or undefined. */
export function collectorFlushTimeout(yamlText: string): string | undefined {
  const config = parse(yamlText) as CollectorConfig;
  return config.exporters?.clickhouse?.sending_queue?.batch?.flush_timeout;
}

export const errorLatency: Benchmark = {
  name: 'errors',
  title: 'Error-to-queryable latency (embedded store)',
  async run({ quick, log }) {
    const repetitions = quick ? 3 : 7;
    const dataDir = mkdtempSync(join(tmpdir(), 'tc9-bench-errors-'));
    try {
      log(`errors: ${repetitions} captured errors`);
      const r = await runChild<ErrorLatencyChildResult>('error-latency.js', {
        nodeArgs: ['--import', join(repoRoot(), 'dist/src/register.js')],
        env: { TC9_EXPORTER: 'store', TC9_DATA_DIR: dataDir, OTEL_SERVICE_NAME: 'bench-errors', BENCH_REPETITIONS: String(repetitions) },
      });
      const flush = collectorFlushTimeout(readFileSync(join(repoRoot(), 'otel-collector-config.yaml'), 'utf8'));
      const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
      return {
        figures: [
          {
            name: 'captureError() to row in application_errors, worst',
            value: max(r.toRow),
            unit: 's',
            baseline: max(r.rawToRow),
            baselineName: 'direct store insert, worst',
            goal: goals.max('value', 15, '< 15 s'),
          },
          {
            name: 'captureError() to error_groups query, median',
            value: median(r.toQuery),
            unit: 's',
            baseline: median(r.rawToRow),
            baselineName: 'direct store insert, median',
            goal: goals.max('value', 15, '< 15 s'),
          },
        ],
        notes: [
          `${repetitions} errors, each started at a random point of the 1 s cycles, polled every ${r.pollMs} ms. To row: ${list(r.toRow)} s; to the error_groups query: ${list(r.toQuery)} s; direct insert to row: ${list(r.rawToRow)} s.`,
          'Embedded path: batch log processor (OTEL_BLRP_SCHEDULE_DELAY default 1 s), store exporter, batch writer (flushes every 1 s), chDB insert, application_errors materialized view.',
          flush
            ? `Through the collector instead, the clickhouse exporter's sending_queue batches for up to flush_timeout ${flush} (otel-collector-config.yaml) before inserting, and ClickHouse's async insert adds its own flush (default 200 ms): expect up to about ${flush} more.`
            : 'Collector path: no clickhouse exporter batch flush_timeout found in otel-collector-config.yaml.',
        ],
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
