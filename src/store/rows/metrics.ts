/**
 * Metric data points as the rows the collector's clickhouseexporter writes: one row per data point, in the
 * table of its type. Temporality is stored as the OTLP enum (1 delta, 2 cumulative), not the SDK's.
 */
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { attributeMap, epochNanos, resourceMap, serviceName } from './values.js';

export const METRIC_TABLES = {
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponentialHistogram: 'otel_metrics_exponential_histogram',
  summary: 'otel_metrics_summary',
} as const;

export type MetricTable = (typeof METRIC_TABLES)[keyof typeof METRIC_TABLES];

const OTLP_TEMPORALITY: Record<AggregationTemporality, number> = {
  [AggregationTemporality.DELTA]: 1,
  [AggregationTemporality.CUMULATIVE]: 2,
};

// The JS SDK records no exemplars; the exporter writes empty Nested arrays then.
const NO_EXEMPLARS = {
  'Exemplars.FilteredAttributes': [],
  'Exemplars.TimeUnix': [],
  'Exemplars.Value': [],
  'Exemplars.SpanId': [],
  'Exemplars.TraceId': [],
} as const;

type Row = Record<string, unknown>;

function common(metrics: ResourceMetrics, scopeIndex: number, metric: MetricData, point: DataPoint<unknown>): Row {
  const { scope } = metrics.scopeMetrics[scopeIndex]!;
  const resource = metrics.resource.attributes;
  return {
    ResourceAttributes: resourceMap(resource),
    ResourceSchemaUrl: metrics.resource.schemaUrl ?? '',
    ScopeName: scope.name,
    ScopeVersion: scope.version ?? '',
    ScopeAttributes: {},
    ScopeDroppedAttrCount: 0,
    ScopeSchemaUrl: scope.schemaUrl ?? '',
    ServiceName: serviceName(resource),
    MetricName: metric.descriptor.name,
    MetricDescription: metric.descriptor.description,
    MetricUnit: metric.descriptor.unit,
    Attributes: attributeMap(point.attributes),
    StartTimeUnix: epochNanos(point.startTime),
    TimeUnix: epochNanos(point.endTime),
  };
}

function specific(metric: MetricData, point: DataPoint<unknown>): { table: MetricTable; row: Row } {
  const temporality = OTLP_TEMPORALITY[metric.aggregationTemporality];
  switch (metric.dataPointType) {
    case DataPointType.GAUGE:
      return { table: METRIC_TABLES.gauge, row: { Value: point.value as number, Flags: 0, ...NO_EXEMPLARS } };
    case DataPointType.SUM:
      return {
        table: METRIC_TABLES.sum,
        row: {
          Value: point.value as number,
          Flags: 0,
          ...NO_EXEMPLARS,
          AggregationTemporality: temporality,
          IsMonotonic: metric.isMonotonic,
        },
      };
    case DataPointType.HISTOGRAM: {
      const h = point.value as Histogram;
      return {
        table: METRIC_TABLES.histogram,
        row: {
          Count: h.count,
          Sum: h.sum ?? 0,
          BucketCounts: h.buckets.counts,
          ExplicitBounds: h.buckets.boundaries,
          ...NO_EXEMPLARS,
          Flags: 0,
          Min: h.min ?? 0,
          Max: h.max ?? 0,
          AggregationTemporality: temporality,
        },
      };
    }
    case DataPointType.EXPONENTIAL_HISTOGRAM: {
      const h = point.value as ExponentialHistogram;
      return {
        table: METRIC_TABLES.exponentialHistogram,
        row: {
          Count: h.count,
          Sum: h.sum ?? 0,
          Scale: h.scale,
          ZeroCount: h.zeroCount,
          PositiveOffset: h.positive.offset,
          PositiveBucketCounts: h.positive.bucketCounts,
          NegativeOffset: h.negative.offset,
          NegativeBucketCounts: h.negative.bucketCounts,
          ...NO_EXEMPLARS,
          Flags: 0,
          Min: h.min ?? 0,
          Max: h.max ?? 0,
          AggregationTemporality: temporality,
        },
      };
    }
  }
}

/** Every data point of a collection, with the table its row belongs in. */
export function metricRows(metrics: ResourceMetrics): Array<{ table: MetricTable; row: Row }> {
  const out: Array<{ table: MetricTable; row: Row }> = [];
  metrics.scopeMetrics.forEach((scopeMetrics, scopeIndex) => {
    for (const metric of scopeMetrics.metrics) {
      for (const point of metric.dataPoints as Array<DataPoint<unknown>>) {
        const { table, row } = specific(metric, point);
        out.push({ table, row: { ...common(metrics, scopeIndex, metric, point), ...row } });
      }
    }
  });
  return out;
}
