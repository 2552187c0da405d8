/**
 * captureError end to end in one process: real OTel SDK providers (in memory) and the real Sentry SDK
 * sending to a local envelope receiver.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureError, markExternalServiceError } from '../../src/errors/index.js';
import { ATTR, EVENT, METRIC } from '../../src/semconv.js';
import { installInMemoryOtel, sumWhere, type InMemoryOtel } from '../helpers/in-memory-otel.js';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver.js';

let otel: InMemoryOtel;
let sentry: SentryReceiver;

beforeAll(async () => {
  otel = installInMemoryOtel();
  sentry = await startSentryReceiver();
  // As src/sdk/sentry.ts does: after OTel, errors only, the OTel integration links events to the active span.
  Sentry.init({ dsn: sentry.dsn, defaultIntegrations: false, integrations: [Sentry.openTelemetryIntegration()] });
});
afterAll(async () => {
  await Sentry.close(2000);
  await sentry.close();
  await otel.uninstall();
});

function loadBatch(orgId: string): never {
  throw Object.assign(new Error(`Batch for org ${orgId} rejected: 429 Too Many Requests`), { status: 429 });
}

describe('captureError', () => {
  it('reports to the span, the error event, the metric and Sentry, with one fingerprint and trace', async () => {
    let traceId = '';
    let result: ReturnType<typeof captureError> | undefined;
    trace.getTracer('test').startActiveSpan('job', (span) => {
      traceId = span.spanContext().traceId;
      try {
        loadBatch('00D000000000001');
      } catch (error) {
        result = captureError(error, { userId: 'u-42', sessionId: 's-42', url: 'https://app.example.com/migrations/7?x=1', action: 'load' });
      }
      span.end();
    });
    expect(result).toMatchObject({ category: 'rate_limit', severity: 'warning' });
    const fp = result!.fingerprint;
    expect(fp).toMatch(/^[0-9a-f]{32}$/);

    const span = otel.spans().find((s) => s.name === 'job')!;
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.find((e) => e.name === 'exception')?.attributes?.['exception.message']).toContain('rejected');
    expect(span.attributes[ATTR.errorFingerprint]).toBe(fp);

    const record = otel.logs().find((r) => r.eventName === EVENT.error)!;
    expect(record.spanContext?.traceId).toBe(traceId);
    expect(record.severityText).toBe('WARNING');
    expect(record.attributes).toMatchObject({
      [ATTR.eventKind]: 'error',
      [ATTR.eventId]: result!.eventId,
      [ATTR.exceptionType]: 'Error',
      [ATTR.errorFingerprint]: fp,
      [ATTR.errorCategory]: 'rate_limit',
      [ATTR.errorSeverity]: 'warning',
      [ATTR.userId]: 'u-42',
      [ATTR.sessionId]: 's-42',
      [ATTR.urlPath]: '/migrations/7',
      'tc9.prop.action': 'load',
    });
    expect(String(record.attributes[ATTR.exceptionStacktrace])).toContain('loadBatch');

    const errors = await otel.metric(METRIC.errors);
    expect(sumWhere(errors, { [ATTR.errorCategory]: 'rate_limit', [ATTR.errorSeverity]: 'warning' })).toBe(1);

    await Sentry.flush(5000);
    const event = await sentry.waitForItems('event', (items) => items.find((i) => i.payload.event_id === result!.sentryEventId)?.payload);
    expect(event.fingerprint).toEqual([fp]);
    expect(event.level).toBe('warning');
    expect(event.tags).toMatchObject({ category: 'rate_limit', severity: 'warning' });
    expect(event.user).toEqual({ id: 'u-42' });
    expect(event.contexts.trace.trace_id).toBe(traceId);
  });

  it('two occurrences that differ only in ids share the fingerprint', () => {
    const fps = ['00D000000000001', '00D000000000777'].map((org) => {
      try {
        loadBatch(org);
      } catch (error) {
        return captureError(error).fingerprint;
      }
      return '';
    });
    expect(fps[0]).toBe(fps[1]);
    expect(captureError(new Error('another failure')).fingerprint).not.toBe(fps[0]);
  });

  it('classifies errors from an API call wrapper as external_service, and survives odd input', () => {
    const marked = markExternalServiceError(new Error('INVALID_SESSION_ID'), { system: 'salesforce', operation: 'query' });
    expect(captureError(marked).category).toBe('external_service');
    expect(captureError('a string').category).toBe('server');
    expect(captureError(undefined).category).toBe('server');
    expect(captureError({ message: 'plain object', name: 'ForbiddenError' }).category).toBe('authorization');
  });
});
