/** The migration instruments (names and attributes per src/semconv.ts METRIC.migration*). */
import { ValueType, type Attributes, type Meter } from '@opentelemetry/api';
import { DURATION_BUCKETS_SECONDS, METRIC } from '../semconv.js';
import { instruments } from '../analytics/otel.js';

/** Records per second span orders of magnitude: a few for an API-bound load, many thousands for a transform. */
const THROUGHPUT_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000];
/** Phases last seconds to hours. */
const PHASE_BUCKETS_SECONDS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400, 28_800];

/**
 * Running record totals per attribute set, reported by an observable counter when metrics are collected.
 * A phase checkpoint adds to a number here instead of calling counter.add(), which costs ~1.7 µs (the SDK
 * hashes the attributes on every call) and was most of the per-record cost of a migration loop. Totals of
 * ended phases stay: the counter is cumulative, like the synchronous one it replaces.
 */
export class RecordTotals {
  private readonly totals = new Map<string, { attributes: Attributes; value: number }>();

  constructor(meter: Meter) {
    meter
      .createObservableCounter(METRIC.migrationRecords, {
        description: 'Records handled by migration phases, by phase and outcome (processed or failed)',
        unit: '{record}',
        valueType: ValueType.INT,
      })
      .addCallback((result) => {
        for (const { attributes, value } of this.totals.values()) if (value > 0) result.observe(value, attributes);
      });
  }

  /**
   * The running total of one attribute set (`key` names it; the caller builds it once): a phase keeps the
   * cell and adds to it at each checkpoint. Totals still at zero are not reported, so a phase without
   * failures adds no failed series.
   */
  total(key: string, attributes: Attributes): { value: number } {
    let total = this.totals.get(key);
    if (total === undefined) {
      total = { attributes, value: 0 };
      this.totals.set(key, total);
    }
    return total;
  }
}

export const migrationInstruments = instruments((meter) => ({
  records: new RecordTotals(meter),
  phaseDuration: meter.createHistogram(METRIC.migrationPhaseDuration, {
    description: 'Duration of migration phases',
    unit: 's',
    advice: { explicitBucketBoundaries: PHASE_BUCKETS_SECONDS },
  }),
  throughput: meter.createHistogram(METRIC.migrationThroughput, {
    description: 'Records per second of each migration phase, measured at its end',
    unit: '{record}/s',
    advice: { explicitBucketBoundaries: THROUGHPUT_BUCKETS },
  }),
  apiCalls: meter.createCounter(METRIC.migrationApiCalls, {
    description: 'Calls of migrations to external systems, by system, operation and outcome',
    unit: '{call}',
    valueType: ValueType.INT,
  }),
  apiCallDuration: meter.createHistogram(METRIC.migrationApiCallDuration, {
    description: 'Duration of calls of migrations to external systems',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS },
  }),
  memory: meter.createGauge(METRIC.migrationMemory, {
    description: 'V8 heap in use at the end of each migration phase',
    unit: 'By',
    valueType: ValueType.INT,
  }),
  runs: meter.createCounter(METRIC.migrationRuns, {
    description: 'Finished migration runs, by outcome and template',
    unit: '{run}',
    valueType: ValueType.INT,
  }),
}));
