/**
 * Scheduled-job monitors with real OTel SDK providers (in memory) and the real Sentry SDK sending
 * check-ins to a local envelope receiver.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { monitor } from '../../src/monitors/index.js';
import { ATTR, EVENT, METRIC, SPAN } from '../../src/semconv.js';
import { installInMemoryOtel, sumWhere, type InMemoryOtel } from '../helpers/in-memory-otel.js';
import { waitFor } from '../helpers/otlp-receiver.js';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver.js';

let otel: InMemoryOtel;
let sentry: SentryReceiver;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  otel = installInMemoryOtel();
  sentry = await startSentryReceiver();
  Sentry.init({ dsn: sentry.dsn, defaultIntegrations: false, integrations: [Sentry.openTelemetryIntegration()] });
});
afterAll(async () => {
  await Sentry.close(2000);
  await sentry.close();
  await otel.uninstall();
});
beforeEach(() => otel.reset());

const runsOf = async (slug: string, status: string) =>
  sumWhere(await otel.metric(METRIC.monitorRuns), { [ATTR.monitorSlug]: slug, [ATTR.monitorStatus]: status });

describe('a run', () => {
  it('ok: span, metrics, and Sentry check-ins in_progress then ok with the schedule and the trace', async () => {
    const job = monitor(
      { slug: 'nightly-sync', schedule: '0 2 * * *', maxRuntimeMs: 3_600_000, checkinMarginMs: 300_000 },
      async (n: number) => n * 2,
    );
    expect(await job(21)).toBe(42);
    job.stop();

    const span = otel.spans().find((s) => s.name === SPAN.monitorRun)!;
    expect(span.attributes[ATTR.monitorSlug]).toBe('nightly-sync');
    expect(span.attributes[ATTR.monitorSchedule]).toBe('0 2 * * *');
    expect(span.attributes[ATTR.monitorStatus]).toBe('ok');
    expect(span.status.code).toBe(SpanStatusCode.OK);
    expect(await runsOf('nightly-sync', 'ok')).toBe(1);
    const duration = (await otel.metric(METRIC.monitorDuration)).find((p) => p.attributes[ATTR.monitorSlug] === 'nightly-sync')!;
    expect(duration.count).toBe(1);

    await Sentry.flush(5000);
    const checkIns = await sentry.waitForItems('check_in', (items) => {
      const mine = items.filter((i) => i.payload.monitor_slug === 'nightly-sync');
      return mine.length >= 2 ? mine.map((i) => i.payload) : undefined;
    });
    const [started, finished] = checkIns;
    expect(started!.status).toBe('in_progress');
    expect(started!.monitor_config).toMatchObject({
      schedule: { type: 'crontab', value: '0 2 * * *' },
      checkin_margin: 5,
      max_runtime: 60,
    });
    expect(finished!.status).toBe('ok');
    expect(finished!.check_in_id).toBe(started!.check_in_id);
    expect(finished!.duration).toBeGreaterThanOrEqual(0);
    expect(started!.contexts.trace.trace_id).toBe(span.spanContext().traceId);
  });

  it('error: rethrown, span and metric error, Sentry check-in error, the error captured', async () => {
    const job = monitor({ slug: 'failing-job', schedule: { intervalMs: 3_600_000 } }, async () => {
      throw new Error('upstream refused');
    });
    await expect(job()).rejects.toThrow('upstream refused');
    job.stop();
    const span = otel.spans().find((s) => s.name === SPAN.monitorRun)!;
    expect(span.attributes[ATTR.monitorStatus]).toBe('error');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(await runsOf('failing-job', 'error')).toBe(1);
    expect(otel.logs().some((r) => r.eventName === EVENT.error && r.attributes[ATTR.exceptionMessage] === 'upstream refused')).toBe(true);

    await Sentry.flush(5000);
    const finished = await sentry.waitForItems(
      'check_in',
      (items) => items.find((i) => i.payload.monitor_slug === 'failing-job' && i.payload.status === 'error')?.payload,
    );
    expect(finished.monitor_config).toBeUndefined();
    const started = sentry.items('check_in').find((i) => i.payload.monitor_slug === 'failing-job' && i.payload.status === 'in_progress')!;
    expect(started.payload.monitor_config.schedule).toEqual({ type: 'interval', value: 1, unit: 'hour' });
  });

  it('error: the exception is on the run span once, whether captureError reports it or the monitor alone', async () => {
    // captureError records the exception on the active span, which is the run span: the monitor recording it
    // too put two identical exception events on one span.
    for (const captureErrors of [true, false]) {
      otel.reset();
      const job = monitor({ slug: `failing-once-${captureErrors}`, schedule: { intervalMs: 3_600_000 }, captureErrors }, async () => {
        throw new Error('upstream refused');
      });
      await expect(job()).rejects.toThrow('upstream refused');
      job.stop();
      const span = otel.spans().find((s) => s.name === SPAN.monitorRun)!;
      const exceptions = span.events.filter((e) => e.name === 'exception');
      expect(
        exceptions.map((e) => e.attributes?.['exception.message']),
        `captureErrors: ${captureErrors}`,
      ).toEqual(['upstream refused']);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream refused' });
    }
  });

  it('overrun: reported while still running, then the run ends ok', async () => {
    let overrunSeen = false;
    const poll = setInterval(() => {
      void runsOf('slow-job', 'overrun').then((n) => (overrunSeen = n > 0));
    }, 10);
    const job = monitor({ slug: 'slow-job', schedule: { intervalMs: 3_600_000 }, maxRuntimeMs: 30 }, async () => {
      // Still running when the overrun is reported.
      await waitFor(() => overrunSeen, { what: 'the overrun' });
      expect(await runsOf('slow-job', 'overrun')).toBe(1);
      return 'done';
    });
    await expect(job()).resolves.toBe('done');
    clearInterval(poll);
    job.stop();
    expect(await runsOf('slow-job', 'ok')).toBe(1);
    const span = otel.spans().find((s) => s.attributes[ATTR.monitorSlug] === 'slow-job')!;
    expect(span.events.map((e) => e.name)).toContain(SPAN.monitorOverrunEvent);
  });
});

describe('missed runs', () => {
  it('a slot without a run within the margin is reported missed', async () => {
    const job = monitor({ slug: 'never-runs', schedule: { intervalMs: 60 }, checkinMarginMs: 20 }, async () => undefined);
    try {
      await waitFor(() => otel.spans().filter((s) => s.attributes[ATTR.monitorSlug] === 'never-runs').length >= 2, {
        what: 'missed spans',
      });
    } finally {
      job.stop();
    }
    const missed = otel.spans().filter((s) => s.attributes[ATTR.monitorSlug] === 'never-runs');
    expect(missed.every((s) => s.attributes[ATTR.monitorStatus] === 'missed' && s.status.code === SpanStatusCode.ERROR)).toBe(true);
    expect(await runsOf('never-runs', 'missed')).toBeGreaterThanOrEqual(2);
    expect(job.nextExpectedAt()).toBeUndefined();
  });

  it('runs that keep to the schedule are never missed', async () => {
    const job = monitor({ slug: 'on-time', schedule: { intervalMs: 400 }, checkinMarginMs: 400 }, async () => undefined);
    for (let i = 0; i < 12; i++) {
      await job();
      await sleep(40);
    }
    job.stop();
    expect(await runsOf('on-time', 'ok')).toBe(12);
    expect(await runsOf('on-time', 'missed')).toBe(0);
  });

  it('crontab slots: the watchdog expects the next slot', () => {
    const job = monitor({ slug: 'every-five', schedule: '*/5 * * * *' }, async () => undefined);
    const next = job.nextExpectedAt()!;
    job.stop();
    expect(new Date(next).getUTCMinutes() % 5).toBe(0);
    expect(next).toBeGreaterThan(Date.now() - 1000);
  });
});

describe('bad options', () => {
  it('name what is wrong', () => {
    expect(() => monitor({ slug: 'Bad Slug', schedule: '* * * * *' }, () => 1)).toThrow(/slug must be/);
    expect(() => monitor({ slug: 'x', schedule: 'every day' }, () => 1)).toThrow(/monitor "x": invalid schedule "every day"/);
    expect(() => monitor({ slug: 'x', schedule: { intervalMs: 0 } }, () => 1)).toThrow(/intervalMs must be a positive/);
    expect(() => monitor({ slug: 'x', schedule: '* * * * *', maxRuntimeMs: -1 }, () => 1)).toThrow(/maxRuntimeMs must be a positive/);
  });
});
