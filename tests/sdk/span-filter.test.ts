/**
 * src/sdk/span-filter.ts with the real trace SDK: routine pg-pool.connect spans stay out of the export,
 * failed, slow and parent ones go out, and nothing else is touched.
 */
import { context, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PoolConnectSpanFilter } from '../../src/sdk/span-filter.js';

const PG = '@opentelemetry/instrumentation-pg';
const START = Date.UTC(2026, 0, 1);

let exporter: InMemorySpanExporter;
let provider: TracerProvider;
let pg: Tracer;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new TracerProvider({ spanProcessors: [new PoolConnectSpanFilter(new SimpleSpanProcessor({ exporter }), 10)] });
  pg = provider.getTracer(PG);
});
afterEach(() => provider.shutdown());

/** A span of `tracer` lasting `ms`, optionally failed, started under `parent`. */
function span(tracer: Tracer, name: string, ms: number, options: { failed?: boolean; parent?: ReturnType<Tracer['startSpan']> } = {}) {
  const ctx = options.parent ? trace.setSpan(context.active(), options.parent) : context.active();
  const s = tracer.startSpan(name, { startTime: START }, ctx);
  if (options.failed) s.setStatus({ code: SpanStatusCode.ERROR, message: 'connect ECONNREFUSED 127.0.0.1:5432' });
  return { span: s, end: () => s.end(START + ms) };
}

const exported = () => exporter.getFinishedSpans().map((s) => s.name);

describe('pg-pool.connect spans', () => {
  it('drops a successful wait shorter than the threshold', () => {
    span(pg, 'pg-pool.connect', 0.4).end();
    span(pg, 'pg-pool.connect', 9.9).end();
    expect(exported()).toEqual([]);
  });

  it('keeps a failed one however short (the connection errors alert counts them)', () => {
    span(pg, 'pg-pool.connect', 0.1, { failed: true }).end();
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.status.code])).toEqual([['pg-pool.connect', SpanStatusCode.ERROR]]);
  });

  it('keeps a wait at or above the threshold (a pool out of connections)', () => {
    span(pg, 'pg-pool.connect', 10).end();
    span(pg, 'pg-pool.connect', 250).end();
    expect(exported()).toEqual(['pg-pool.connect', 'pg-pool.connect']);
  });

  it('keeps one that has a child, so the child is not left without its parent', () => {
    const wait = span(pg, 'pg-pool.connect', 2);
    const connect = span(pg, 'pg.connect', 1, { parent: wait.span });
    connect.end();
    wait.end();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['pg.connect', 'pg-pool.connect']);
    expect(spans[0]!.parentSpanContext?.spanId).toBe(spans[1]!.spanContext().spanId);
  });

  it('leaves spans of other names or other instrumentations alone', () => {
    span(pg, 'pg.query:SELECT app', 0.2).end();
    span(provider.getTracer('app'), 'pg-pool.connect', 0.2).end();
    expect(exported()).toEqual(['pg.query:SELECT app', 'pg-pool.connect']);
  });
});
