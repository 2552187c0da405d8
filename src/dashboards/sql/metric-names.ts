/**
 * Metric names the dashboards read besides ours (src/semconv.ts): the collector's span_metrics connector
 * (otel-collector-config.yaml: namespace traces.span.metrics, delta temporality, histogram unit ms) and the
 * Node.js runtime instrumentation.
 */

export const SPAN_METRICS = {
  calls: 'traces.span.metrics.calls',
  /** Histogram in milliseconds (pinned in the collector config). */
  duration: 'traces.span.metrics.duration',
  /** The connector writes the proto enum names. */
  serverKind: 'SPAN_KIND_SERVER',
  errorStatus: 'STATUS_CODE_ERROR',
  /** AggregationTemporality of delta points in the ClickHouse tables. */
  deltaTemporality: 1,
} as const;

export const RUNTIME_METRICS = {
  eventLoopDelay: ['nodejs.eventloop.delay.p50', 'nodejs.eventloop.delay.p90', 'nodejs.eventloop.delay.p99'],
  /** Per V8 heap space (attribute v8js.heap.space.name): summed per instance for the whole heap. */
  heapUsed: 'v8js.memory.heap.used',
  /** The heap's ceiling; per space or as a total, summed per instance either way. */
  heapLimit: 'v8js.memory.heap.limit',
  /** Resident set size, when host metrics are on. */
  rss: 'process.memory.usage',
} as const;
