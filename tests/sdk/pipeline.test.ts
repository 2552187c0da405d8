/**
 * What start() puts between the app and the exporters: identity from baggage copied onto spans and
 * events, the privacy processors (redaction, consent), and the heap-limit gauge the memory alert needs.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, expect, it } from 'vitest';
import { trackFeatureUsage } from '../../src/analytics/index.js';
import { loadConfig } from '../../src/config.js';
import { shutdown, start } from '../../src/sdk/index.js';

const spans = new InMemorySpanExporter();
const logRecords = new InMemoryLogRecordExporter();
const metrics = new InMemoryMetricExporter(AggregationTemporality.DELTA);

const config = loadConfig({ TC9_EXPORTER: 'none', OTEL_SERVICE_NAME: 'pipeline', OTEL_METRIC_EXPORT_INTERVAL: '600000' });
const running = start({ config, exporters: { spans, logs: logRecords, metrics } });

afterAll(() => shutdown());

it('redacts secrets and e-mails in span attributes before export', async () => {
  const telemetry = (await running)!;
  trace
    .getTracer('test')
    .startSpan('call', {
      attributes: { 'url.full': 'https://api.example.com/x?token=abc123&page=2', 'app.note': 'mail ann@example.com', password: 'hunter2' },
    })
    .end();
  await telemetry.flush();
  const span = spans.getFinishedSpans().find((s) => s.name === 'call')!;
  const exported = JSON.stringify(span.attributes);
  expect(exported).not.toContain('abc123');
  expect(exported).not.toContain('ann@example.com');
  expect(exported).not.toContain('hunter2');
  expect(span.attributes['url.full']).toContain('page=2');
});

it('drops analytics events of users without consent (the default) and keeps them once consent is given', async () => {
  const telemetry = (await running)!;
  logRecords.reset();
  trackFeatureUsage('bulk-export', { userId: 'user-no-consent', sessionId: 's-1' });
  telemetry.consent.set('user-yes', true);
  trackFeatureUsage('bulk-export', { userId: 'user-yes', sessionId: 's-2' });
  await telemetry.flush();
  const users = logRecords.getFinishedLogRecords().map((r) => r.attributes['user.id']);
  expect(users).toEqual(['user-yes']);
});

it('copies the identity in baggage onto spans and events started in that context', async () => {
  const telemetry = (await running)!;
  telemetry.consent.set('user-bag', true);
  spans.reset();
  logRecords.reset();
  const baggage = propagation.createBaggage({ 'user.id': { value: 'user-bag' }, 'session.id': { value: 'sess-bag' } });
  context.with(propagation.setBaggage(context.active(), baggage), () => {
    trace.getTracer('test').startSpan('in-request').end();
    trackFeatureUsage('search');
  });
  await telemetry.flush();
  const span = spans.getFinishedSpans().find((s) => s.name === 'in-request')!;
  expect(span.attributes['session.id']).toBe('sess-bag');
  const [record] = logRecords.getFinishedLogRecords();
  expect(record!.attributes['user.id']).toBe('user-bag');
  expect(record!.attributes['session.id']).toBe('sess-bag');
});

it('reports the V8 heap limit as a gauge', async () => {
  const telemetry = (await running)!;
  await telemetry.flush();
  const points = metrics
    .getMetrics()
    .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
    .filter((m) => m.descriptor.name === 'v8js.memory.heap.limit')
    .flatMap((m) => m.dataPoints);
  expect(points.length).toBeGreaterThan(0);
  expect(points[0]!.value as number).toBeGreaterThan(64 * 1024 * 1024);
});
