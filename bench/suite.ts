/** The benchmarks by name, in run order, and the --only parser. */
import { InvalidArgumentError } from 'commander';
import { analyticsThroughput } from './analytics-throughput.js';
import type { Benchmark } from './benchmark.js';
import { collectorDown } from './collector-down.js';
import { dashboardLatency } from './dashboard-latency.js';
import { errorLatency } from './error-latency.js';
import { httpOverhead } from './http-overhead.js';
import { migrationCost } from './migration-cost.js';

/** Cheap in-process ones first, the chDB-heavy dashboards last. */
export const BENCHMARKS: readonly Benchmark[] = [
  migrationCost,
  httpOverhead,
  collectorDown,
  errorLatency,
  analyticsThroughput,
  dashboardLatency,
];

/** "http, errors" -> ['http', 'errors']; an unknown or empty list is refused naming the known ones. */
export function parseOnly(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = BENCHMARKS.map((b) => b.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`unknown benchmark ${unknown.join(', ') || '(none given)'}; known: ${known.join(', ')}`);
  }
  return names;
}
