/**
 * captureError end to end in one process: real OTel SDK providers (in memory) and the real Sentry SDK
 * sending to a local envelope receiver.
 */
import { context, diag, DiagLogLevel, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
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
        result = captureError(error, {
          userId: 'u-42',
          sessionId: 's-42',
          url: 'https://app.example.com/migrations/7?x=1',
          action: 'load',
        });
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
  // The reference service's Express error handler runs after Express's request-handler span has ended: the
  // active span is ended, so recording on it only produced "Cannot execute the operation on ended Span".
  it('records on the live server span when the active span has ended, and never on an ended span', () => {
    const warnings: string[] = [];
    const log = (message: string) => warnings.push(message);
    diag.setLogger({ error: log, warn: log, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
    try {
      const tracer = trace.getTracer('test');
      tracer.startActiveSpan('GET /runs/:id', { kind: SpanKind.SERVER }, (server) => {
        // What the http instrumentation puts in the request's context.
        context.with(setRPCMetadata(context.active(), { type: RPCType.HTTP, span: server }), () => {
          tracer.startActiveSpan('request handler', (handler) => {
            handler.end();
            captureError(new Error('handler failed after its span ended'));
          });
        });
        server.end();
      });
      // No server span in the context at all: the error event is still written, no span is touched.
      tracer.startActiveSpan('orphan', (orphan) => {
        orphan.end();
        captureError(new Error('no live span anywhere'));
      });
    } finally {
      diag.disable();
    }
    expect(warnings.filter((w) => w.includes('ended Span'))).toEqual([]);
    const server = otel.spans().find((s) => s.name === 'GET /runs/:id')!;
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.events.map((e) => e.attributes?.['exception.message'])).toContain('handler failed after its span ended');
    const handler = otel.spans().find((s) => s.name === 'request handler')!;
    expect(handler.events).toEqual([]);
    const messages = otel
      .logs()
      .filter((r) => r.eventName === EVENT.error)
      .map((r) => r.attributes[ATTR.exceptionMessage]);
    expect(messages).toEqual(expect.arrayContaining(['handler failed after its span ended', 'no live span anywhere']));
  });
  // OTel's HTTP conventions: a 4xx answer is the client's error, not the server's; its SERVER span stays unset.
  // (Outside a request, a 429 from an API a job calls is the job's failure: the first test's span is Error.)
  // The Errors and Performance views count StatusCode = 'Error' as failures, so a 404 must not be one.
  it('leaves the span status unset for a 4xx error, sets Error for a 5xx or an error without a status', () => {
    const tracer = trace.getTracer('test');
    const cases = [
      { name: 'GET /runs/:id 404', error: Object.assign(new Error('Run not found'), { status: 404 }), context: {} },
      { name: 'POST /projects 400', error: new Error('name is required'), context: { statusCode: 400 } },
      { name: 'GET /debug/error 500', error: Object.assign(new Error('boom'), { status: 500 }), context: {} },
      { name: 'job without a status', error: new Error('failed'), context: {} },
    ];
    for (const c of cases) {
      tracer.startActiveSpan(c.name, { kind: SpanKind.SERVER }, (span) => {
        // What the http instrumentation puts in the request's context.
        context.with(setRPCMetadata(context.active(), { type: RPCType.HTTP, span }), () => captureError(c.error, c.context));
        span.end();
      });
    }
    const status = (name: string) => otel.spans().find((s) => s.name === name)!.status.code;
    const exceptions = (name: string) =>
      otel
        .spans()
        .find((s) => s.name === name)!
        .events.filter((e) => e.name === 'exception').length;
    expect(status('GET /runs/:id 404')).toBe(SpanStatusCode.UNSET);
    expect(status('POST /projects 400')).toBe(SpanStatusCode.UNSET);
    expect(status('GET /debug/error 500')).toBe(SpanStatusCode.ERROR);
    expect(status('job without a status')).toBe(SpanStatusCode.ERROR);
    // The exception is still on every span, for the trace view.
    for (const c of cases) expect(exceptions(c.name)).toBe(1);
  });
});
