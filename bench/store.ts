/**
 * Store benchmark on chDB: insert throughput (events/s, views included) and each named query's latency
 * at 1M and 10M rows, each query also as a ratio to a plain count() over its table measured in the same
 * run (so results compare across machines). Rows are generated inside the engine (INSERT ... SELECT
 * FROM numbers()); the JSON insert path the exporters use is measured on a smaller sample.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ChdbStore } from '../src/store/chdb-store.js';
import { migrate } from '../src/store/migrate.js';
import { QUERIES, expandMacros, bindParams, type NamedQuery } from '../src/queries/index.js';

export interface StoreBenchOptions {
  /** Rows of each generated table per run (default 1M and 10M). */
  sizes?: number[];
  /** chDB data directory; default a temporary one, removed afterwards. */
  dataDir?: string;
  /** Timed repetitions per query (median reported). */
  repeats?: number;
  log?: (message: string) => void;
}

export interface InsertResult {
  table: string;
  method: 'insert-select' | 'json';
  rows: number;
  ms: number;
  eventsPerSecond: number;
}

export interface QueryResult {
  name: string;
  table: string;
  ms: number;
  baselineMs: number;
  /** Query time / count() time over the same table and range. */
  ratio: number;
  resultRows: number;
}

export interface StoreBenchResult {
  engine: 'chdb';
  sizes: Array<{ rows: number; inserts: InsertResult[]; queries: QueryResult[] }>;
}

const DAY_NS = 86_400n * 1_000_000_000n;

/** Parameters for queries that need some. */
const PARAMS: Record<string, Record<string, unknown>> = {
  funnel: { steps: ['signup.started', 'signup.details', 'signup.completed'] },
  experiment_conversion: { experiment: 'onboarding', conversion_event: 'signup.completed' },
};

/** The table each query mainly reads (its baseline). */
function mainTable(query: NamedQuery): string {
  return /FROM\s+(\w+)/.exec(query.sql)?.[1] ?? 'otel_traces';
}

const logsSql = (n: number, startNs: bigint, stepNs: bigint) => `
INSERT INTO otel_logs (Timestamp, ServiceName, SeverityText, SeverityNumber, ResourceAttributes, LogAttributes, EventName)
SELECT
    fromUnixTimestamp64Nano(toInt64(${startNs} + number * ${stepNs})) AS Timestamp,
    'app', 'INFO', 9,
    map('service.name', 'app', 'service.version', '1.' || toString(number % 3) || '.0'),
    map('tc9.event.kind', if(event = 'tc9.error', 'error', 'analytics'),
        'user.id', user, 'session.id', user || '-' || toString(intDiv(number, 5000)),
        'url.path', ['/', '/migrations', '/migrations/new', '/settings', '/reports'][1 + cityHash64(number, 2) % 5],
        'tc9.feature.name', ['bulk-edit', 'templates', 'export'][1 + cityHash64(number, 3) % 3],
        'tc9.experiment.key', 'onboarding', 'tc9.experiment.variant', ['control', 'treatment'][1 + cityHash64(user) % 2],
        'tc9.error.fingerprint', 'fp-' || toString(cityHash64(number, 4) % 50), 'exception.message', 'failure') AS LogAttributes,
    ['page.view', 'page.view', 'page.view', 'feature.used', 'signup.started', 'signup.details', 'signup.completed', 'experiment.exposure', 'tc9.error'][1 + cityHash64(number) % 9] AS event
FROM (SELECT number, 'u' || toString(cityHash64(number, 1) % ${Math.max(1000, Math.floor(n / 50))}) AS user FROM numbers(${n}))`;

const tracesSql = (n: number, startNs: bigint, stepNs: bigint) => `
INSERT INTO otel_traces (Timestamp, TraceId, SpanId, SpanName, SpanKind, ServiceName, ResourceAttributes, SpanAttributes, Duration, StatusCode)
SELECT
    fromUnixTimestamp64Nano(toInt64(${startNs} + number * ${stepNs})),
    hex(cityHash64(number, 'trace')) || hex(cityHash64(number, 't2')), hex(cityHash64(number, 'span')),
    multiIf(kind = 0, 'prisma:client:operation', kind = 1, 'migration.phase ' || ['extract', 'transform', 'load'][1 + number % 3], kind = 2, 'migration.run', 'GET ' || route),
    if(kind = 3, 'Server', 'Internal'),
    'api', map('service.name', 'api'),
    map('http.route', route, 'http.request.method', 'GET', 'http.response.status_code', if(number % 50 = 0, '500', '200'),
        'model', 'User', 'method', ['findMany', 'create', 'update'][1 + number % 3],
        'tc9.migration.template', ['accounts', 'contacts'][1 + number % 2], 'tc9.migration.records.processed', toString(number % 10000),
        'tc9.migration.run_id', 'run-' || toString(intDiv(number, 1000))),
    1000000 + cityHash64(number, 'd') % 500000000,
    if(number % 97 = 0, 'Error', 'Unset')
FROM (SELECT number, multiIf(number % 10 = 0, 0, number % 10 = 1, 1, number % 1000 = 2, 2, 3) AS kind,
             '/r' || toString(number % 20) AS route FROM numbers(${n}))`;

const histogramsSql = (n: number, startNs: bigint, stepNs: bigint) => `
INSERT INTO otel_metrics_histogram (ServiceName, MetricName, Attributes, StartTimeUnix, TimeUnix, Count, BucketCounts, ExplicitBounds, AggregationTemporality)
SELECT 'api', 'http.server.request.duration',
    map('http.route', '/r' || toString(number % 20), 'http.request.method', 'GET', 'http.response.status_code', if(number % 13 = 0, '500', '200')),
    fromUnixTimestamp64Nano(toInt64(${startNs} + number * ${stepNs})), fromUnixTimestamp64Nano(toInt64(${startNs} + number * ${stepNs} + 60000000000)),
    arraySum(counts), counts, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], 1
FROM (SELECT number, arrayMap(i -> cityHash64(number, i) % 20, range(11)) AS counts FROM numbers(${n}))`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function median(repeats: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: caches and lazily loaded parts
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await timed(fn));
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function benchSize(store: ChdbStore, rows: number, repeats: number, log: (m: string) => void) {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const startNs = nowNs - 7n * DAY_NS;
  const step = (n: number) => (7n * DAY_NS) / BigInt(n);
  const range = { from: Number(startNs / 1_000_000n), to: Number(nowNs / 1_000_000n), intervalMs: 3_600_000 };
  const inserts: InsertResult[] = [];
  const insertSelect = async (table: string, n: number, sql: string) => {
    const ms = await timed(() => store.command(sql));
    inserts.push({ table, method: 'insert-select', rows: n, ms, eventsPerSecond: n / (ms / 1000) });
    log(`  ${table}: ${n} rows in ${ms.toFixed(0)} ms`);
  };
  await insertSelect('otel_logs', rows, logsSql(rows, startNs, step(rows)));
  await insertSelect('otel_traces', rows, tracesSql(rows, startNs, step(rows)));
  const histogramRows = Math.max(1000, Math.floor(rows / 100));
  await insertSelect('otel_metrics_histogram', histogramRows, histogramsSql(histogramRows, startNs, step(histogramRows)));

  // The exporters' path: JSON rows through the store (views included), on a sample.
  const sample = Math.min(100_000, rows);
  const json = Array.from({ length: sample }, (_, i) => ({
    Timestamp: `${Math.floor(range.to / 1000) - i}.000000000`,
    ServiceName: 'app',
    LogAttributes: { 'tc9.event.kind': 'analytics', 'user.id': `j${i % 500}`, 'session.id': `js${i % 2000}` },
    EventName: 'page.view',
  }));
  const jsonMs = await timed(async () => {
    for (let i = 0; i < json.length; i += 10_000) await store.insert('otel_logs', json.slice(i, i + 10_000));
  });
  inserts.push({ table: 'otel_logs', method: 'json', rows: sample, ms: jsonMs, eventsPerSecond: sample / (jsonMs / 1000) });

  const queries: QueryResult[] = [];
  const baselines = new Map<string, number>();
  for (const query of QUERIES) {
    const table = mainTable(query);
    if (!baselines.has(table)) baselines.set(table, await median(repeats, () => store.query(`SELECT count() FROM ${table}`)));
    const sql = expandMacros(query.sql, range);
    const params = bindParams(query, PARAMS[query.name] ?? {});
    let resultRows = 0;
    const ms = await median(repeats, async () => {
      resultRows = (await store.query(sql, params)).length;
    });
    const baselineMs = baselines.get(table)!;
    queries.push({ name: query.name, table, ms, baselineMs, ratio: ms / baselineMs, resultRows });
    log(`  ${query.name}: ${ms.toFixed(1)} ms (${(ms / baselineMs).toFixed(1)}x count())`);
  }
  return { rows, inserts, queries };
}

export async function benchStore(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const log = options.log ?? (() => {});
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tc9-bench-store-'));
  const result: StoreBenchResult = { engine: 'chdb', sizes: [] };
  try {
    for (const rows of options.sizes ?? [1_000_000, 10_000_000]) {
      const database = `tc9_bench_${rows}_${randomBytes(3).toString('hex')}`;
      const store = new ChdbStore({ dataDir, database });
      try {
        await migrate(store, {
          retention: { errorLogsDays: 3650, analyticsDataDays: 3650, userDataAnonymizationDays: 3000, performanceDataDays: 3650 },
        });
        log(`store bench: ${rows} rows`);
        result.sizes.push(await benchSize(store, rows, options.repeats ?? 3, log));
      } finally {
        await store.command(`DROP DATABASE IF EXISTS ${database} SYNC`).catch(() => {});
        await store.close();
      }
    }
  } finally {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}
