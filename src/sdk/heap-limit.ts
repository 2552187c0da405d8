/**
 * The V8 heap limit as a gauge. runtime-node reports heap used per space but not the limit, and the
 * memory alert (heap used / limit > 80%) needs both; the limit is what --max-old-space-size or the
 * container's memory gives V8, so it is the right denominator for "about to run out".
 */
import { metrics } from '@opentelemetry/api';
import { getHeapStatistics } from 'node:v8';

export const HEAP_LIMIT_METRIC = 'v8js.memory.heap.limit';

export function observeHeapLimit(): void {
  const meter = metrics.getMeter('tc9-observability');
  meter
    .createObservableGauge(HEAP_LIMIT_METRIC, { unit: 'By', description: 'V8 heap size limit (heap_size_limit)' })
    .addCallback((result) => result.observe(getHeapStatistics().heap_size_limit));
}
