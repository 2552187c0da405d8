/**
 * Child process of the analytics benchmark (its own process: its own chDB directory and OTel globals).
 * Starts telemetry with TC9_EXPORTER=store from the environment the parent sets, tracks BENCH_EVENTS events
 * through track() (validation, privacy processors, batch log processor, store exporter, batch writer, chDB
 * with its views), waits until they are queryable, then inserts a sample of the very rows it stored straight
 * into a fresh database (same DDL and views) as the raw-store baseline. Prints one JSON line.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { track } from '../../src/analytics/index.js';
import type { AnalyticsEvent } from '../../src/analytics/schema.js';
import { loadConfig } from '../../src/config.js';
import { start } from '../../src/sdk/start.js';
import { ChdbStore } from '../../src/store/chdb-store.js';
import { migrate } from '../../src/store/migrate.js';

export interface AnalyticsChildResult {
  events: number;
  stored: number;
  seconds: number;
  eventsPerSecond: number;
  rssBefore: number;
  heapBefore: number;
  peakRss: number;
  peakHeapUsed: number;
  peakRssFirstHalf: number;
  peakRssSecondHalf: number;
  raw: { rows: number; ms: number; eventsPerSecond: number };
  /** The same rows in inserts of 50,000: how much of the store's cost is per insert. */
  rawLarge: { rows: number; ms: number; eventsPerSecond: number };
  /** Event-loop delay while tracking and until stored (ms): what the app's other work would wait. */
  loopDelay: { p50: number; p99: number; max: number };
  /** Process CPU time (all threads, chDB's included) per stored event, in microseconds: steadier than wall time on a shared machine. */
  cpuMicrosPerEvent: number;
}

const SERVICE = 'bench-analytics';
const PAGES = ['/dashboard', '/projects', '/projects/:id', '/organisations', '/runs/:id', '/settings'];
const FEATURES = ['field-mapping', 'dry-run', 'schedule', 'bulk-edit'];

/** A realistic mix: page views, feature use, experiment exposures, logins, migrations; 500 users. */
function eventPool(): AnalyticsEvent[] {
  const pool: AnalyticsEvent[] = [];
  for (let i = 0; i < 500; i++) {
    const userId = `user-${i}`;
    const sessionId = `session-${i}-${i % 7}`;
    const base = {
      userId,
      sessionId,
      orgId: `org-${i % 40}`,
      orgType: i % 3 ? 'production' : 'sandbox',
      userType: ['admin', 'consultant', 'viewer'][i % 3]!,
    };
    const context = { path: PAGES[i % PAGES.length]!, browser: 'Firefox', os: 'Linux', device: 'desktop' as const, locale: 'en-GB' };
    const kinds: AnalyticsEvent[] = [
      { name: 'page.view', ...base, context },
      { name: 'page.view', ...base, context: { ...context, path: PAGES[(i + 1) % PAGES.length]! } },
      { name: 'feature.used', ...base, context, properties: { feature: FEATURES[i % FEATURES.length], durationMs: 1200 + i } },
      { name: 'experiment.exposure', ...base, properties: { experiment: 'onboarding-flow', variant: i % 2 ? 'control' : 'guided-setup' } },
      { name: 'user.login', ...base, context, metadata: { source: 'server', version: '1.4.0', environment: 'production' } },
      { name: 'migration.created', ...base, properties: { resource_type: 'migration', resource_id: `mig-${i}`, template: 'accounts' } },
    ];
    pool.push(kinds[i % kinds.length]!);
  }
  return pool;
}

async function count(store: ChdbStore): Promise<number> {
  const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM otel_logs WHERE ServiceName = '${SERVICE}'`);
  return Number(row?.n ?? 0);
}

/** Polls until `expected` rows are there or the count stops moving for `settleMs`. */
async function waitStored(store: ChdbStore, expected: number, settleMs = 3_000): Promise<number> {
  let last = -1;
  let since = performance.now();
  for (;;) {
    const n = await count(store);
    if (n >= expected) return n;
    if (n !== last) {
      last = n;
      since = performance.now();
    } else if (performance.now() - since > settleMs) return n;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main(): Promise<void> {
  const events = Number(process.env.BENCH_EVENTS ?? 100_000);
  const rawSample = Number(process.env.BENCH_RAW_SAMPLE ?? 100_000);
  const config = loadConfig(process.env);
  const telemetry = await start({ config });
  if (!telemetry) throw new Error('telemetry did not start (OTEL_SDK_DISABLED?)');
  const store = new ChdbStore({ dataDir: config.store.dataDir, database: config.store.database });
  const pool = eventPool();

  // Warm-up: JIT, the store's first inserts, lazily loaded parts.
  for (let i = 0; i < 5_000; i++) track(pool[i % pool.length]!);
  await telemetry.flush();
  const warm = await waitStored(store, 5_000);

  let peakRss = 0;
  let peakHeap = 0;
  let peakFirst = 0;
  let peakSecond = 0;
  let secondHalf = false;
  const before = process.memoryUsage();
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    if (secondHalf) peakSecond = Math.max(peakSecond, m.rss);
    else peakFirst = Math.max(peakFirst, m.rss);
  };
  const sampler = setInterval(sample, 50);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();

  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < events; i++) {
    track(pool[i % pool.length]!);
    // An application does other work between events: yielding lets the batch processor export on schedule.
    if (i % 1000 === 999) await yieldToLoop();
    if (i === events >> 1) secondHalf = true;
  }
  await telemetry.flush();
  const total = await waitStored(store, warm + events);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  loop.disable();
  sample();
  clearInterval(sampler);
  const stored = total - warm;

  // Baseline: the same rows, inserted straight into the store the way the batch writer hands them over
  // (serialised beforehand, resource and scope columns shared), in inserts of 10,000 and of 50,000 rows.
  const rows = await store.query<Record<string, unknown>>(
    `SELECT * FROM otel_logs WHERE ServiceName = '${SERVICE}' LIMIT ${Math.min(rawSample, stored)}`,
  );
  const sharedNames = [
    'ServiceName',
    'ResourceSchemaUrl',
    'ResourceAttributes',
    'ScopeSchemaUrl',
    'ScopeName',
    'ScopeVersion',
    'ScopeAttributes',
  ];
  const shared = Object.fromEntries(sharedNames.map((name) => [name, rows[0]?.[name]]));
  const lines = rows.map(
    (row) => `${JSON.stringify(Object.fromEntries(Object.entries(row).filter(([name]) => !sharedNames.includes(name))))}\n`,
  );
  const rawInsert = async (database: string, batch: number) => {
    const raw = new ChdbStore({ dataDir: config.store.dataDir, database });
    await migrate(raw, { retention: config.store.retention });
    const rawStarted = performance.now();
    for (let i = 0; i < lines.length; i += batch) await raw.insertJson('otel_logs', lines.slice(i, i + batch).join(''), shared);
    const ms = performance.now() - rawStarted;
    await raw.close();
    return { rows: rows.length, ms, eventsPerSecond: rows.length / (ms / 1000) };
  };
  const raw = await rawInsert('bench_raw', 10_000);
  const rawLarge = await rawInsert('bench_raw_large', 50_000);

  const result: AnalyticsChildResult = {
    events,
    stored,
    seconds,
    eventsPerSecond: stored / seconds,
    rssBefore: before.rss,
    heapBefore: before.heapUsed,
    peakRss,
    peakHeapUsed: peakHeap,
    peakRssFirstHalf: peakFirst,
    peakRssSecondHalf: peakSecond,
    raw,
    rawLarge,
    cpuMicrosPerEvent: (cpu.user + cpu.system) / Math.max(1, total - warm),
    loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await store.close();
  await telemetry.shutdown();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`analytics bench child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
