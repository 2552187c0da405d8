/** Waits until the telemetry of the demo's window has landed in the store's tables (exports are batched). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../store/store.js';

export interface Landed {
  serverSpans: number;
  migrationRuns: number;
  events: number;
  errors: number;
}

const COUNTS = `
SELECT
    (SELECT count() FROM otel_traces WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND SpanKind IN ('Server', 'SPAN_KIND_SERVER')) AS serverSpans,
    (SELECT count() FROM migration_runs WHERE started_at >= fromUnixTimestamp64Milli({from:Int64})) AS migrationRuns,
    (SELECT count() FROM user_activities WHERE created_at >= fromUnixTimestamp64Milli({from:Int64})) AS events,
    (SELECT count() FROM application_errors WHERE created_at >= fromUnixTimestamp64Milli({from:Int64})) AS errors`;

export async function landedSince(store: Store, from: Date): Promise<Landed> {
  const [row] = await store.query<Record<keyof Landed, number>>(COUNTS, { from: from.getTime() });
  return {
    serverSpans: Number(row?.serverSpans ?? 0),
    migrationRuns: Number(row?.migrationRuns ?? 0),
    events: Number(row?.events ?? 0),
    errors: Number(row?.errors ?? 0),
  };
}

/**
 * Flushes and polls until every expected table has rows (or `timeoutMs` passed); returns the last counts.
 * `expect` says which tables should fill: a demo without failed requests has no errors to wait for.
 */
export async function waitForRows(
  store: Store,
  from: Date,
  flush: () => Promise<void>,
  expect: Partial<Record<keyof Landed, boolean>>,
  timeoutMs = 30_000,
): Promise<{ landed: Landed; complete: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await flush();
    const landed = await landedSince(store, from);
    const complete = (Object.keys(expect) as (keyof Landed)[]).every((k) => !expect[k] || landed[k] > 0);
    if (complete || Date.now() > deadline) return { landed, complete };
    await sleep(500);
  }
}
