/**
 * Programmatic start(): extra span and log processors see every span and log record before the
 * exporting batch processors (so a redactor plugged in there works), custom exporters replace the
 * configured ones, and a second start() returns the running instance.
 */
// OTel JS 3.x: the logs API lives in @opentelemetry/api (not in the older @opentelemetry/api-logs global).
import { logs, trace } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { shutdown, start } from '../../src/sdk/index.js';

const spans = new InMemorySpanExporter();
const logRecords = new InMemoryLogRecordExporter();

const redactSpans: SpanProcessor = {
  onStart: () => {},
  onEnd: (span: ReadableSpan) => {
    if ('user.email' in span.attributes) (span.attributes as Record<string, unknown>)['user.email'] = '[redacted]';
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
const redactLogs: LogRecordProcessor = {
  onEmit: (record: ReadWriteLogRecord) => {
    if (record.attributes['user.email']) record.setAttribute('user.email', '[redacted]');
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};

const config = loadConfig({ TC9_EXPORTER: 'none', OTEL_SERVICE_NAME: 'in-process', OTEL_BSP_SCHEDULE_DELAY: '600000' });
const running = start({ config, spanProcessors: [redactSpans], logRecordProcessors: [redactLogs], exporters: { spans, logs: logRecords } });

afterAll(() => shutdown());

it('runs the extra processors before the exporting ones', async () => {
  const telemetry = (await running)!;
  trace
    .getTracer('test')
    .startSpan('signup', { attributes: { 'user.email': 'ann@example.com', plan: 'pro' } })
    .end();
  logs.getLogger('test').emit({ eventName: 'user.login', body: 'login', attributes: { 'user.email': 'ann@example.com' } });
  await telemetry.flush();

  const [span] = spans.getFinishedSpans();
  expect(span!.name).toBe('signup');
  expect(span!.attributes).toEqual({ 'user.email': '[redacted]', plan: 'pro' });
  expect(span!.resource.attributes['service.name']).toBe('in-process');
  const [record] = logRecords.getFinishedLogRecords();
  expect(record!.eventName).toBe('user.login');
  expect(record!.attributes['user.email']).toBe('[redacted]');
});

// A command line can carry secrets (--password=..., a token in a URL): privacy by default keeps it out.
it('describes the process without its command line', async () => {
  const telemetry = (await running)!;
  trace.getTracer('test').startSpan('resource-check').end();
  await telemetry.flush();
  await new Promise((r) => setTimeout(r, 50)); // async resource attributes settle after the first export
  const span = spans.getFinishedSpans().find((s) => s.name === 'resource-check')!;
  const attributes = span.resource.attributes;
  expect(attributes['process.pid']).toBe(process.pid);
  expect(Object.keys(attributes).filter((k) => k.startsWith('process.command'))).toEqual([]);
});

it('returns the running instance on a second start()', async () => {
  expect(await start({ config })).toBe(await running);
});
