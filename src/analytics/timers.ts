/**
 * startTimer / endTimer after the spec's PerformanceMonitor: named timers whose durations go to
 * METRIC.timerDuration (attribute tc9.metric.name) and, one per measurement, to an EVENT.performance
 * record with the metadata as tc9.prop.*.
 *
 * Timers live in a Timers object; the module-level startTimer/endTimer use one default instance (the
 * only state of this module). The map is bounded: past `maxTimers` running timers the oldest is dropped,
 * so timers that are started and never ended cannot leak.
 */
import { diag } from '@opentelemetry/api';
import { ATTR } from '../semconv.js';
import { durationSeconds, emitPerformanceEvent, performanceInstruments } from './performance.js';
import { ValidationError } from './validation.js';

const DEFAULT_MAX_TIMERS = 1000;

export class Timers {
  private readonly started = new Map<string, number>();

  constructor(private readonly maxTimers = DEFAULT_MAX_TIMERS) {}

  get size(): number {
    return this.started.size;
  }

  /**
   * Starts (or restarts) the timer `name`. Returns a function that ends this very measurement, safe
   * when the same name runs concurrently elsewhere.
   */
  start(name: string): (metadata?: Record<string, unknown>) => number {
    if (typeof name !== 'string' || name === '') throw new ValidationError([{ path: 'name', message: 'must be a non-empty string' }]);
    const at = performance.now();
    this.started.delete(name); // re-insert: the map's order is the start order, oldest first
    this.started.set(name, at);
    while (this.started.size > this.maxTimers) {
      const oldest = this.started.keys().next().value as string;
      this.started.delete(oldest);
      diag.warn(`tc9-observability: more than ${this.maxTimers} timers running; dropped "${oldest}"`);
    }
    return (metadata) => {
      if (this.started.get(name) === at) this.started.delete(name);
      return record(name, performance.now() - at, metadata);
    };
  }

  /** Ends the timer `name` and records it; returns the duration in ms, or undefined for a timer not running. */
  end(name: string, metadata?: Record<string, unknown>): number | undefined {
    const at = this.started.get(name);
    if (at === undefined) {
      diag.debug(`tc9-observability: endTimer("${name}") without startTimer`);
      return undefined;
    }
    this.started.delete(name);
    return record(name, performance.now() - at, metadata);
  }
}

function record(name: string, durationMs: number, metadata?: Record<string, unknown>): number {
  performanceInstruments().timer.record(durationSeconds('durationMs', durationMs), { [ATTR.metricName]: name });
  emitPerformanceEvent('timer', name, durationMs, metadata ? { properties: metadata } : {});
  return durationMs;
}

const defaultTimers = new Timers();

export function startTimer(name: string): (metadata?: Record<string, unknown>) => number {
  return defaultTimers.start(name);
}

export function endTimer(name: string, metadata?: Record<string, unknown>): number | undefined {
  return defaultTimers.end(name, metadata);
}
