import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { expandMacros } from '../../src/queries/macros.js';

// Dashboards filter with $__timeFilter(col), i.e. col >= toDateTime(N): the primary key must still
// narrow the granules read (the plugin's DateTime64 pitfall), for the tables the panels read most.
describe('primary keys prune on the Grafana time filter', () => {
  let t: TestStore;
  const end = Math.floor(Date.now() / 1000) - 60;
  const rows = 300_000;

  beforeAll(async () => {
    t = await createTestStore();
    const ts = `fromUnixTimestamp64Nano(toInt64((${end} - intDiv(number, 10)) * 1000000000))`; // 10 rows per second, ~8 hours
    await t.store.command(
      `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, SpanName, SpanKind, ServiceName, Duration, StatusCode)
       SELECT ${ts}, hex(number), hex(number), 'GET /x', 'Server', 'api', 1000, 'Unset' FROM numbers(${rows})`,
    );
    await t.store.command(
      `INSERT INTO otel_logs (Timestamp, ServiceName, LogAttributes, EventName)
       SELECT ${ts}, 'app', map('tc9.event.kind', 'analytics', 'user.id', toString(number % 100)), 'page.view' FROM numbers(${rows})`,
    );
    await t.store.command(
      `INSERT INTO otel_metrics_sum (ServiceName, MetricName, Attributes, StartTimeUnix, TimeUnix, Value, AggregationTemporality)
       SELECT 'api', 'requests', map('route', toString(number % 7)), ${ts}, ${ts}, 1, 1 FROM numbers(${rows})`,
    );
    await t.store.command('OPTIMIZE TABLE otel_metrics_sum FINAL');
    await t.store.command('OPTIMIZE TABLE otel_traces FINAL');
    await t.store.command('OPTIMIZE TABLE otel_logs FINAL');
    await t.store.command('OPTIMIZE TABLE user_activities FINAL');
  });
  afterAll(async () => t?.drop());

  // Metrics prune to the hour bucket (of ~8 hours of data), the others to a few granules.
  it.each([
    ['otel_traces', 'Timestamp', 10],
    ['otel_logs', 'Timestamp', 10],
    ['user_activities', 'created_at', 10],
    ['otel_metrics_sum', 'TimeUnix', 4],
  ] as const)('%s', async (table, column, fraction) => {
    const where = expandMacros(`$__timeFilter(${column})`, { from: (end - 600) * 1000, to: (end - 300) * 1000 });
    const plan = (await t.store.query<{ explain: string }>(`EXPLAIN indexes = 1 SELECT count() FROM ${table} WHERE ${where}`))
      .map((r) => r.explain)
      .join('\n');
    const primary = /PrimaryKey[\s\S]*?Granules: (\d+)\/(\d+)/.exec(plan);
    expect(primary, plan).not.toBeNull();
    const [read, total] = [Number(primary![1]), Number(primary![2])];
    expect(total).toBeGreaterThan(10);
    expect(read).toBeLessThanOrEqual(Math.ceil(total / fraction));
    const [count] = await t.store.query<{ n: number }>(`SELECT count() AS n FROM ${table} WHERE ${where}`);
    expect(count?.n).toBe(301 * 10);
  });
});
