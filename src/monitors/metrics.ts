/** Scheduled-job instruments (src/semconv.ts METRIC.monitor*). */
import { ValueType } from '@opentelemetry/api';
import { METRIC } from '../semconv.js';
import { instruments } from '../analytics/otel.js';

/** Jobs run for milliseconds to hours. */
const JOB_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400];

export const monitorInstruments = instruments((meter) => ({
  runs: meter.createCounter(METRIC.monitorRuns, {
    description: 'Scheduled job runs by status: ok, error, missed (no run in its slot), overrun (past its maximum runtime)',
    unit: '{run}',
    valueType: ValueType.INT,
  }),
  duration: meter.createHistogram(METRIC.monitorDuration, {
    description: 'Duration of scheduled job runs',
    unit: 's',
    advice: { explicitBucketBoundaries: JOB_BUCKETS_SECONDS },
  }),
}));
