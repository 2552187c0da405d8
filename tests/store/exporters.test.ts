import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SeverityNumber, SpanKind, SpanStatusCode, context, trace, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { loadConfig } from '../../src/config.js';
import { createStoreExporters, type StoreExporters } from '../../src/store/exporters.js';
import { ChdbStore } from '../../src/store/chdb-store.js';
import { testDataDir } from '../helpers/chdb.js';

const nanos = (t: HrTime) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();

describe('store exporters with the real OTel SDK', () => {
  const database = `tc9_exp_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ TC9_DATA_DIR: testDataDir(), CLICKHOUSE_DATABASE: database, OTEL_SERVICE_NAME: 'checkout' });
  const resource = resourceFromAttributes({
    'service.name': 'checkout',
    'service.version': '1.2.3',
    'deployment.environment.name': 'test',
  });
  let exporters: StoreExporters;
  let reader: ChdbStore;
  const memory = new InMemorySpanExporter();
  let server: ReadableSpan;
  let client: ReadableSpan;

  beforeAll(async () => {
    exporters = await createStoreExporters(config);
    reader = new ChdbStore({ dataDir: testDataDir(), database });

    const tracing = new TracerProvider({
      resource,
      spanProcessors: [new SimpleSpanProcessor({ exporter: exporters.spans }), new SimpleSpanProcessor({ exporter: memory })],
    });
    const logging = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: exporters.logs })] });
    const metricReader = new PeriodicExportingMetricReader({ exporter: exporters.metrics, exportIntervalMillis: 3_600_000 });
    const metering = new MeterProvider({ resource, readers: [metricReader] });

    const tracer = tracing.getTracer('shop', '0.9.0');
    const logger = logging.getLogger('tc9-observability', '0.1.0');
    const linked = tracer.startSpan('upstream');
    linked.end();
    const span = tracer.startSpan('GET /users/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.route': '/users/:id',
        'http.response.status_code': 500,
        'tc9.ratio': 0.25,
        'tc9.flag': true,
        'tc9.tags': ['a', '<b>'],
      },
      links: [{ context: linked.spanContext(), attributes: { reason: 'retry' } }],
    });
    span.addEvent('exception', { 'exception.type': 'TypeError' });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    // No global context manager in tests: the parent context is passed explicitly.
    const inSpan = trace.setSpan(context.active(), span);
    tracer.startSpan('SELECT users', { kind: SpanKind.CLIENT }, inSpan).end();
    logger.emit({
      context: inSpan,
      eventName: 'page.view',
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: { page: '/users/7', n: 1 },
      attributes: { 'tc9.event.kind': 'analytics', 'user.id': 'u-1', 'session.id': 's-1', 'url.path': '/users/7', 'tc9.prop.plan': 'pro' },
    });
    span.end();

    const meter = metering.getMeter('shop');
    const requests = meter.createCounter('shop.requests', { unit: '{request}', description: 'requests served' });
    requests.add(3, { route: '/a' });
    requests.add(4, { route: '/a' });
    meter.createUpDownCounter('shop.inflight').add(-2);
    meter.createGauge('shop.temperature').record(21.5, { room: 'x' });
    const latency = meter.createHistogram('shop.latency', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 0.5, 1] } });
    for (const v of [0.05, 0.2, 0.3, 2]) latency.record(v, { route: '/a' });

    await metricReader.forceFlush();
    await exporters.spans.forceFlush?.();
    [, client, server] = memory.getFinishedSpans() as [ReadableSpan, ReadableSpan, ReadableSpan];
  });

  afterAll(async () => {
    await exporters?.shutdown();
    await reader?.command(`DROP DATABASE IF EXISTS ${database} SYNC`);
    await reader?.close();
  });

  it('writes spans in the exporter schema', async () => {
    const rows = await reader.query<Record<string, unknown>>(
      `SELECT *, toString(toUnixTimestamp64Nano(Timestamp)) AS ns, toString(Duration) AS dur,
              arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS event_ns
       FROM otel_traces WHERE SpanId = {id:String}`,
      { id: server.spanContext().spanId },
    );
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      TraceId: server.spanContext().traceId,
      ParentSpanId: '',
      SpanName: 'GET /users/:id',
      SpanKind: 'Server',
      ServiceName: 'checkout',
      ScopeName: 'shop',
      ScopeVersion: '0.9.0',
      StatusCode: 'Error',
      StatusMessage: 'boom',
      ns: nanos(server.startTime),
      dur: (BigInt(nanos(server.endTime)) - BigInt(nanos(server.startTime))).toString(),
      'Events.Name': ['exception'],
      'Events.Attributes': [{ 'exception.type': 'TypeError' }],
      event_ns: [nanos(server.events[0]!.time)],
      'Links.TraceId': [server.links[0]!.context.traceId],
      'Links.SpanId': [server.links[0]!.context.spanId],
      'Links.Attributes': [{ reason: 'retry' }],
    });
    expect(row.SpanAttributes).toEqual({
      'http.route': '/users/:id',
      'http.response.status_code': '500',
      'tc9.ratio': '0.25',
      'tc9.flag': 'true',
      'tc9.tags': '["a","\\u003cb\\u003e"]',
    });
    expect(row.ResourceAttributes).toMatchObject({ 'service.name': 'checkout', 'service.version': '1.2.3' });

    const [child] = await reader.query<Record<string, unknown>>(
      'SELECT SpanKind, ParentSpanId, StatusCode FROM otel_traces WHERE SpanId = {id:String}',
      {
        id: client.spanContext().spanId,
      },
    );
    expect(child).toEqual({ SpanKind: 'Client', ParentSpanId: server.spanContext().spanId, StatusCode: 'Unset' });

    const [lookup] = await reader.query<{ n: number }>('SELECT count() AS n FROM otel_traces_trace_id_ts WHERE TraceId = {t:String}', {
      t: server.spanContext().traceId,
    });
    expect(lookup?.n).toBe(1);
  });

  it('writes log records and events, and the views derive the analytics rows', async () => {
    const [row] = await reader.query<Record<string, unknown>>("SELECT * FROM otel_logs WHERE EventName = 'page.view'");
    expect(row).toMatchObject({
      TraceId: server.spanContext().traceId,
      SpanId: server.spanContext().spanId,
      TraceFlags: 1,
      SeverityText: 'INFO',
      SeverityNumber: 9,
      ServiceName: 'checkout',
      Body: '{"page":"/users/7","n":1}',
      ScopeName: 'tc9-observability',
      ScopeVersion: '0.1.0',
      LogAttributes: {
        'tc9.event.kind': 'analytics',
        'user.id': 'u-1',
        'session.id': 's-1',
        'url.path': '/users/7',
        'tc9.prop.plan': 'pro',
      },
    });
    const [activity] = await reader.query<Record<string, unknown>>(
      'SELECT action, user_id, session_id, url_path, properties, service_version, trace_id FROM user_activities',
    );
    expect(activity).toEqual({
      action: 'page.view',
      user_id: 'u-1',
      session_id: 's-1',
      url_path: '/users/7',
      properties: { plan: 'pro' },
      service_version: '1.2.3',
      trace_id: server.spanContext().traceId,
    });
    const sessions = await reader.query(
      'SELECT session_id, max(user_id) AS user_id, sum(page_views) AS pages FROM sessions GROUP BY session_id',
    );
    expect(sessions).toEqual([{ session_id: 's-1', user_id: 'u-1', pages: 1 }]);
  });

  it('writes one row per metric data point in the table of its type', async () => {
    const [sum] = await reader.query<Record<string, unknown>>("SELECT * FROM otel_metrics_sum WHERE MetricName = 'shop.requests'");
    expect(sum).toMatchObject({
      ServiceName: 'checkout',
      MetricDescription: 'requests served',
      MetricUnit: '{request}',
      Attributes: { route: '/a' },
      Value: 7,
      AggregationTemporality: 1,
      IsMonotonic: true,
      ScopeName: 'shop',
    });
    const [updown] = await reader.query<Record<string, unknown>>(
      "SELECT Value, AggregationTemporality, IsMonotonic FROM otel_metrics_sum WHERE MetricName = 'shop.inflight'",
    );
    expect(updown).toEqual({ Value: -2, AggregationTemporality: 2, IsMonotonic: false });
    const [gauge] = await reader.query<Record<string, unknown>>(
      "SELECT Value, Attributes FROM otel_metrics_gauge WHERE MetricName = 'shop.temperature'",
    );
    expect(gauge).toEqual({ Value: 21.5, Attributes: { room: 'x' } });
    const [hist] = await reader.query<Record<string, unknown>>(
      "SELECT Count, Sum, BucketCounts, ExplicitBounds, Min, Max, AggregationTemporality, TimeUnix >= StartTimeUnix AS ordered FROM otel_metrics_histogram WHERE MetricName = 'shop.latency'",
    );
    expect(hist).toMatchObject({
      Count: 4,
      BucketCounts: [1, 2, 0, 1],
      ExplicitBounds: [0.1, 0.5, 1],
      Min: 0.05,
      Max: 2,
      AggregationTemporality: 1,
      ordered: 1,
    });
    expect(hist?.Sum).toBeCloseTo(2.55, 10);
    expect(exporters.stats()).toMatchObject({ dropped: 0, failed: 0 });
  });
});
