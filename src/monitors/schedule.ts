/**
 * A job's schedule: when the next run is due after a given time (for missed-run detection), and how
 * Sentry's monitor config says it. Crontab strings are evaluated by croner (5 fields; 6 with seconds).
 */
import type { MonitorConfig } from '@sentry/core';
import { Cron } from 'croner';

export type ScheduleSpec = string | { intervalMs: number };

export interface Schedule {
  readonly kind: 'cron' | 'interval';
  /** The first due time strictly after `afterMs` (epoch ms), or undefined when there is none. */
  next(afterMs: number): number | undefined;
  /** Human-readable, for the span attribute tc9.monitor.schedule. */
  readonly description: string;
  /** Sentry's form, or undefined when Sentry cannot express it (crontabs with seconds). */
  readonly sentry: MonitorConfig['schedule'] | undefined;
}

const MINUTE = 60_000;
const UNITS: [unit: 'week' | 'day' | 'hour' | 'minute', ms: number][] = [
  ['week', 7 * 24 * 60 * MINUTE],
  ['day', 24 * 60 * MINUTE],
  ['hour', 60 * MINUTE],
  ['minute', MINUTE],
];

export function parseSchedule(spec: ScheduleSpec, slug: string, timezone?: string): Schedule {
  if (typeof spec === 'string') {
    let cron: Cron;
    try {
      cron = new Cron(spec, timezone ? { timezone } : {});
    } catch (error) {
      throw new TypeError(`tc9-observability: monitor "${slug}": invalid schedule "${spec}": ${(error as Error).message}`);
    }
    const fields = spec.trim().split(/\s+/).length;
    return {
      kind: 'cron',
      next: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime(),
      description: spec,
      sentry: fields === 5 ? { type: 'crontab', value: spec } : undefined,
    };
  }
  const intervalMs = spec?.intervalMs;
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new TypeError(`tc9-observability: monitor "${slug}": schedule.intervalMs must be a positive number of milliseconds`);
  }
  return {
    kind: 'interval',
    next: (afterMs) => afterMs + intervalMs,
    description: `every ${intervalMs} ms`,
    sentry: sentryInterval(intervalMs),
  };
}

/** Sentry counts intervals in whole minutes or more: the largest unit that divides the interval, else minutes. */
function sentryInterval(ms: number): MonitorConfig['schedule'] {
  for (const [unit, size] of UNITS) if (ms >= size && ms % size === 0) return { type: 'interval', value: ms / size, unit };
  return { type: 'interval', value: Math.max(1, Math.round(ms / MINUTE)), unit: 'minute' };
}

/** Minutes for Sentry's checkinMargin / maxRuntime (whole minutes, at least 1). */
export function toMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / MINUTE));
}
