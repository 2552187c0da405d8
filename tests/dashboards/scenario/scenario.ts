/**
 * A seeded, realistic two-hour slice of a running system (ending at `now`): HTTP traffic with Prisma and
 * PostgreSQL spans, migration runs, scheduled-job runs, runtime metrics, analytics events and classified
 * errors. Faults switch on one incident each, in the last minutes before `now`, so every alert rule has a
 * healthy and a failing version of the same world.
 */
import { analytics } from './analytics.js';
import { httpTraffic } from './http.js';
import { migrations, monitors } from './jobs.js';
import type { Resource } from './rows.js';
import { runtimeMetrics } from './runtime.js';

export type Fault = 'errorSpike' | 'slowDatabase' | 'memoryGrowth' | 'failingMigrations' | 'missedSchedule' | 'dbConnectionErrors';

export const FAULTS: readonly Fault[] = [
  'errorSpike',
  'slowDatabase',
  'memoryGrowth',
  'failingMigrations',
  'missedSchedule',
  'dbConnectionErrors',
];

export interface ScenarioOptions {
  /** End of the scenario (ms); data covers the two hours before (analytics also a few days back). */
  now: number;
  faults?: readonly Fault[];
}

export interface ScenarioRows {
  spans: Record<string, unknown>[];
  logs: Record<string, unknown>[];
  gauges: Record<string, unknown>[];
}

export const SERVICE: Resource = { service: 'migration-service', version: '1.4.0', environment: 'test', instance: 'migration-service-1' };
export const WEB: Resource = { service: 'migration-web', version: '2.0.1', environment: 'test', instance: 'browser' };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface ScenarioContext {
  now: number;
  has(fault: Fault): boolean;
}

export function buildScenario(options: ScenarioOptions): ScenarioRows {
  const faults = new Set(options.faults ?? []);
  const ctx: ScenarioContext = { now: options.now, has: (f) => faults.has(f) };
  const rows: ScenarioRows = { spans: [], logs: [], gauges: [] };
  for (const part of [httpTraffic, migrations, monitors, runtimeMetrics, analytics]) {
    const produced = part(ctx);
    rows.spans.push(...(produced.spans ?? []));
    rows.logs.push(...(produced.logs ?? []));
    rows.gauges.push(...(produced.gauges ?? []));
  }
  return rows;
}
