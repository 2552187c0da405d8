/**
 * Benchmark 3: analytics events per second from track() into the embedded chDB store, end to end (the event
 * counts once it is queryable), with peak memory sampled to show it stays bounded. Baseline: the raw store
 * insert rate of the same rows (the store's insert path), in the same child process; event-loop delay and CPU per
 * event are noted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MB, type Benchmark } from './benchmark.js';
import { runChild } from './child.js';
import type { AnalyticsChildResult } from './children/analytics.js';
import { goals } from './report.js';

export const analyticsThroughput: Benchmark = {
  name: 'analytics',
  title: 'Analytics events/s into the embedded store',
  async run({ quick, log }) {
    const events = quick ? 100_000 : 300_000;
    const dataDir = mkdtempSync(join(tmpdir(), 'tc9-bench-analytics-'));
    try {
      log(`analytics: ${events} events through track() into chDB`);
      const r = await runChild<AnalyticsChildResult>('analytics.js', {
        env: {
          TC9_EXPORTER: 'store',
          TC9_DATA_DIR: dataDir,
          OTEL_SERVICE_NAME: 'bench-analytics',
          // Analytics of users without consent are dropped by default; the app would have asked them.
          TC9_CONSENT_DEFAULT: 'granted',
          OTEL_LOG_LEVEL: 'error',
          BENCH_EVENTS: String(events),
          BENCH_RAW_SAMPLE: String(quick ? 50_000 : 100_000),
        },
        timeoutMs: 600_000,
      });
      const mb = (n: number) => (n / MB).toFixed(0);
      return {
        figures: [
          {
            name: 'events/s, track() to queryable',
            value: r.eventsPerSecond,
            unit: 'events/s',
            baseline: r.raw.eventsPerSecond,
            baselineName: 'raw store insert of the same rows',
            goal: goals.min('value', 100_000, '>= 100,000 events/s'),
          },
          {
            name: 'peak RSS while tracking',
            value: r.peakRss / MB,
            unit: 'MB',
            baseline: r.rssBefore / MB,
            baselineName: 'RSS before the run',
          },
        ],
        notes: [
          `${r.events.toLocaleString('en-US')} events (a mix of page views, feature use, experiment exposures, logins and migrations of 500 users) tracked in one child process, yielding to the event loop every 1,000 events; ${r.stored.toLocaleString('en-US')} stored and queryable after ${r.seconds.toFixed(1)} s${r.stored < r.events ? ` (${(r.events - r.stored).toLocaleString('en-US')} shed by the bounded queues)` : ''}.`,
          'Path: validation (a hand-written check of the common shape, zod for the rest), log record, privacy processors (redaction, consent), batch log processor (defaults: 2,048 queue, 512 per batch), store exporter (row conversion; resource and scope columns kept once per batch), batch writer (rows serialised once on write; an insert at 50,000 rows or every 1 s, one at a time, the next taking all rows that arrived meanwhile; 96 MB cap), chDB insert of a JSONEachRow spool file through file() with the shared columns as constants (off the event loop) and the analytics views (user_activities, sessions, feature_usage, ...).',
          `CPU: ${Math.round(r.cpuMicrosPerEvent)} µs of process CPU time (all threads, chDB's included) per stored event, tracking of shed events included. Event-loop delay while tracking and storing: p50 ${r.loopDelay.p50.toFixed(0)} ms, p99 ${r.loopDelay.p99.toFixed(0)} ms, max ${r.loopDelay.max.toFixed(0)} ms (the loop tracks 1,000 events between yields, so p50 is mostly the benchmark's own work).`,
          `Baseline: ${r.raw.rows.toLocaleString('en-US')} of those rows read back and inserted into a fresh database with the same DDL and views, as the batch writer hands them to the store (serialised, resource and scope shared), 10,000 rows per insert: ${Math.round(r.raw.eventsPerSecond).toLocaleString('en-US')} rows/s; in inserts of 50,000 rows: ${Math.round(r.rawLarge.eventsPerSecond).toLocaleString('en-US')} rows/s.`,
          `Memory: RSS ${mb(r.rssBefore)} MB before, peak ${mb(r.peakRss)} MB (first half of the run ${mb(r.peakRssFirstHalf)} MB, second half ${mb(r.peakRssSecondHalf)} MB); heap used ${mb(r.heapBefore)} MB before, peak ${mb(r.peakHeapUsed)} MB. RSS includes the embedded ClickHouse engine.`,
          'TC9_CONSENT_DEFAULT=granted, so every event is kept (the default, denied, drops analytics of users who never consented).',
        ],
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
