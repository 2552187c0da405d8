/** Seeds a scenario into a fresh, migrated chDB database (tests/helpers/chdb.ts): the OTel tables, then span metrics. */
import { createTestStore, type TestStore } from '../../helpers/chdb.js';
import { buildScenario, type ScenarioOptions } from './scenario.js';
import { collectorBucketsMs, deriveSpanMetrics } from './span-metrics.js';

export async function seededStore(options: ScenarioOptions): Promise<TestStore> {
  const t = await createTestStore();
  // Timestamps are written as UTC text.
  await t.store.command("SET session_timezone = 'UTC'");
  const rows = buildScenario(options);
  await t.store.insert('otel_traces', rows.spans);
  await t.store.insert('otel_logs', rows.logs);
  await t.store.insert('otel_metrics_gauge', rows.gauges);
  await deriveSpanMetrics(t.store, collectorBucketsMs());
  return t;
}
