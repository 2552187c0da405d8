/**
 * monitor(): wraps a scheduled job so that each run
 * - sends Sentry check-ins (in_progress, then ok/error with the duration; the monitor config with the
 *   schedule, margin and maximum runtime upserts the Sentry monitor), no-ops without Sentry;
 * - is a span (SPAN.monitorRun, tc9.monitor.status ok/error) and counts in METRIC.monitorRuns and
 *   METRIC.monitorDuration;
 * - that runs past maxRuntimeMs is reported as 'overrun' while still running (metric + span event), in
 *   addition to its final ok/error.
 * And, since the process knows the schedule: a slot whose run did not start within the margin is
 * reported 'missed' (metric + a span with status missed), from a watchdog timer that never keeps the
 * process alive. Stop it with job.stop().
 *
 *   const job = monitor({ slug: 'nightly-sync', schedule: '0 2 * * *', maxRuntimeMs: 3_600_000 }, syncAll);
 *   new Cron('0 2 * * *', job);   // or any scheduler: the job is a plain async function
 */
import { SpanKind, SpanStatusCode, context, diag, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import * as Sentry from '@sentry/core';
import type { MonitorConfig } from '@sentry/core';
import { toError } from '../core/errors.js';
import { guard } from '../core/guard.js';
import { ATTR, SPAN } from '../semconv.js';
import { getTracer } from '../analytics/otel.js';
import { captureError } from '../errors/capture.js';
import { monitorInstruments } from './metrics.js';
import { parseSchedule, toMinutes, type Schedule, type ScheduleSpec } from './schedule.js';
import { Watchdog } from './watchdog.js';

export type MonitorStatus = 'ok' | 'error' | 'missed' | 'overrun';

export interface MonitorOptions {
  /** The monitor's id (Sentry's monitor slug): lower-case letters, digits, - and _. */
  slug: string;
  /** A crontab string ('0 2 * * *'; a 6th leading field for seconds) or a fixed interval. */
  schedule: ScheduleSpec;
  /** IANA time zone the crontab is in; default the process's. */
  timezone?: string;
  /** A run still going after this long is reported 'overrun'. */
  maxRuntimeMs?: number;
  /** How late a run may start before its slot counts as missed. Default 60 s. */
  checkinMarginMs?: number;
  /** Watch for missed runs (default true). */
  detectMissed?: boolean;
  /** Report a failing run's error with captureError (default true). */
  captureErrors?: boolean;
}

export type MonitoredJob<A extends unknown[], R> = ((...args: A) => Promise<R>) & {
  readonly slug: string;
  /** When the watchdog expects the next run to start (epoch ms), if it is watching. */
  nextExpectedAt(): number | undefined;
  /** Stops missed-run detection; running the job stays possible. */
  stop(): void;
};

const RECORD = 'monitor could not record the';
const SLUG = /^[a-z0-9][a-z0-9_-]{0,49}$/;
const DEFAULT_MARGIN_MS = 60_000;

export function monitor<A extends unknown[], R>(options: MonitorOptions, fn: (...args: A) => Promise<R> | R): MonitoredJob<A, R> {
  const { slug } = options ?? ({} as MonitorOptions);
  if (typeof slug !== 'string' || !SLUG.test(slug)) {
    throw new TypeError(
      `tc9-observability: monitor: slug must be 1 to 50 of a-z 0-9 - _ starting with a letter or digit, got ${JSON.stringify(slug)}`,
    );
  }
  if (typeof fn !== 'function') throw new TypeError(`tc9-observability: monitor "${slug}": the job must be a function`);
  const schedule = parseSchedule(options.schedule, slug, options.timezone);
  const marginMs = positive(options.checkinMarginMs, 'checkinMarginMs', slug) ?? DEFAULT_MARGIN_MS;
  const maxRuntimeMs = positive(options.maxRuntimeMs, 'maxRuntimeMs', slug);
  const sentryConfig = monitorConfig(schedule, options, marginMs, maxRuntimeMs);
  const common: Attributes = { [ATTR.monitorSlug]: slug, [ATTR.monitorSchedule]: schedule.description };

  const watchdog =
    options.detectMissed === false
      ? undefined
      : new Watchdog(schedule, marginMs, (expectedAt) => recordMissed(common, expectedAt, marginMs));
  watchdog?.start(Date.now());

  const job = async (...args: A): Promise<R> => {
    watchdog?.onRunStart(Date.now());
    const active = context.active();
    const activeSpan = trace.getSpan(active);
    const links: Link[] = activeSpan ? [{ context: activeSpan.spanContext() }] : [];
    const span = getTracer().startSpan(SPAN.monitorRun, { kind: SpanKind.INTERNAL, root: true, links, attributes: common }, active);
    const ctx = trace.setSpan(active, span);
    const started = performance.now();
    const checkInId = guard(`${RECORD} check-in`, () =>
      context.with(ctx, () => Sentry.captureCheckIn({ monitorSlug: slug, status: 'in_progress' }, sentryConfig)),
    );
    const overrun = maxRuntimeMs === undefined ? undefined : setTimeout(() => recordOverrun(span, common, maxRuntimeMs), maxRuntimeMs);
    overrun?.unref();

    let status: 'ok' | 'error' = 'ok';
    try {
      return await context.with(ctx, () => fn(...args));
    } catch (error) {
      status = 'error';
      const e = toError(error);
      // captureError records the exception on the active span, which is this run's span: recording it here as
      // well would put the same exception on the span twice. Without captureError the monitor records it.
      if (options.captureErrors !== false) context.with(ctx, () => captureError(error, { tags: { monitor: slug } }));
      else span.recordException(e);
      // Always ours to set: captureError leaves the status unset for a 4xx inside a request, a failed run is an error.
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      throw error;
    } finally {
      if (overrun) clearTimeout(overrun);
      const seconds = (performance.now() - started) / 1000;
      finishRun(span, ctx, common, status, seconds, slug, checkInId);
    }
  };

  return Object.assign(job, {
    slug,
    nextExpectedAt: () => watchdog?.expectedAt,
    stop: () => watchdog?.stop(),
  });
}

function finishRun(
  span: Span,
  ctx: Context,
  common: Attributes,
  status: 'ok' | 'error',
  seconds: number,
  slug: string,
  checkInId: string | undefined,
): void {
  span.setAttribute(ATTR.monitorStatus, status);
  if (status === 'ok') span.setStatus({ code: SpanStatusCode.OK });
  span.end();
  guard(`${RECORD} metrics`, () => {
    const m = monitorInstruments();
    m.runs.add(1, { ...common, [ATTR.monitorStatus]: status });
    m.duration.record(seconds, common);
  });
  if (checkInId !== undefined) {
    guard(`${RECORD} check-in`, () =>
      context.with(ctx, () => Sentry.captureCheckIn({ checkInId, monitorSlug: slug, status, duration: seconds })),
    );
  }
}

function recordOverrun(span: Span, common: Attributes, maxRuntimeMs: number): void {
  guard(`${RECORD} overrun`, () => {
    diag.warn(`tc9-observability: monitor "${String(common[ATTR.monitorSlug])}" still running after ${maxRuntimeMs} ms (overrun)`);
    span.addEvent(SPAN.monitorOverrunEvent, { [ATTR.monitorStatus]: 'overrun', [ATTR.monitorMaxRuntimeMs]: maxRuntimeMs });
    monitorInstruments().runs.add(1, { ...common, [ATTR.monitorStatus]: 'overrun' });
  });
}

/** A missed slot: a span covering the slot and its margin, status missed, and the runs counter. */
function recordMissed(common: Attributes, expectedAt: number, marginMs: number): void {
  guard(`${RECORD} missed`, () => {
    diag.warn(
      `tc9-observability: monitor "${String(common[ATTR.monitorSlug])}" missed its run due at ${new Date(expectedAt).toISOString()}`,
    );
    const span = getTracer().startSpan(
      SPAN.monitorRun,
      { root: true, startTime: expectedAt, attributes: { ...common, [ATTR.monitorStatus]: 'missed' } },
      context.active(),
    );
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'missed' });
    span.end(expectedAt + marginMs);
    monitorInstruments().runs.add(1, { ...common, [ATTR.monitorStatus]: 'missed' });
  });
}

function monitorConfig(
  schedule: Schedule,
  options: MonitorOptions,
  marginMs: number,
  maxRuntimeMs: number | undefined,
): MonitorConfig | undefined {
  if (!schedule.sentry) {
    diag.debug(`tc9-observability: monitor "${options.slug}": Sentry cannot express the schedule; check-ins go without a monitor config`);
    return undefined;
  }
  return {
    schedule: schedule.sentry,
    checkinMargin: toMinutes(marginMs),
    ...(maxRuntimeMs !== undefined ? { maxRuntime: toMinutes(maxRuntimeMs) } : {}),
    ...(options.timezone ? { timezone: options.timezone } : {}),
  };
}

function positive(value: number | undefined, name: string, slug: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`tc9-observability: monitor "${slug}": ${name} must be a positive number of milliseconds`);
  }
  return value;
}
