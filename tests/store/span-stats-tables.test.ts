import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { defaultSchemaDir, migrate } from '../../src/store/migrate.js';
import { buildScenario } from '../dashboards/scenario/scenario.js';

// span_minutes (clickhouse/023) and its hour and day roll-ups (024): spans written before the files
// were applied come from their backfills, later ones from the views (span_minutes' view on otel_traces, the
// roll-ups' views on span_minutes). Either way each table holds, per bucket and dimension, what the spans give.
const MINUTE = 60_000;
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;

const KEY = 'span_kind, span_name, service, environment, route, method, operation';
const RAW_KEY = `SpanKind AS span_kind, SpanName AS span_name, ServiceName AS service, ResourceAttributes['deployment.environment.name'] AS environment,
  SpanAttributes['http.route'] AS route, SpanAttributes['http.request.method'] AS method,
  if(SpanName = 'prisma:client:operation', if(SpanAttributes['name'] != '', SpanAttributes['name'], concat(SpanAttributes['model'], '.', SpanAttributes['method'])), '') AS operation`;

describe('span statistics tables', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
    await t.store.command("SET session_timezone = 'UTC'");
    const before = mkdtempSync(join(tmpdir(), 'tc9-schema-'));
    for (const file of readdirSync(defaultSchemaDir()).filter((f) => /^0[01]\d_|^02[0-2]_/.test(f)))
      cpSync(join(defaultSchemaDir(), file), join(before, file));
    await migrate(t.store, { schemaDir: before });
    const { spans } = buildScenario({ now: NOW, faults: ['errorSpike', 'slowDatabase'] });
    const half = Math.floor(spans.length / 2);
    await t.store.insert('otel_traces', spans.slice(0, half));
    const result = await migrate(t.store);
    expect(result.applied.map((m) => m.name)).toEqual(expect.arrayContaining(['span_minutes', 'span_rollups']));
    await t.store.insert('otel_traces', spans.slice(half));
    // Applied once: a second run must not backfill again.
    expect((await migrate(t.store)).applied).toEqual([]);
  });
  afterAll(async () => t?.drop());

  it.each([
    ['span_minutes', 'toStartOfMinute'],
    ['span_hours', 'toStartOfHour'],
    ['span_days', 'toStartOfDay'],
  ])(
    '%s holds per bucket and dimension the calls, errors, total and longest duration and slowest trace of the spans',
    async (table, bucket) => {
      const stats = await t.store.query<Record<string, unknown>>(`SELECT start, ${KEY}, sum(calls) AS calls, sum(errors) AS errors,
        sum(duration_sum) AS duration_sum, max(duration_max) AS duration_max, argMaxMerge(slowest_trace) AS trace
      FROM ${table} GROUP BY start, ${KEY} ORDER BY start, ${KEY}`);
      const raw = await t.store.query<
        Record<string, unknown>
      >(`SELECT *, arrayMap(p -> p.2, arrayFilter(p -> p.1 = duration_max, pairs)) AS traces
      FROM (SELECT ${bucket}(Timestamp) AS start, ${RAW_KEY}, count() AS calls, countIf(StatusCode = 'Error') AS errors,
          sum(Duration) AS duration_sum, max(Duration) AS duration_max, groupArray((Duration, TraceId)) AS pairs
        FROM otel_traces GROUP BY start, ${KEY})
      ORDER BY start, ${KEY}`);
      expect(raw.length).toBeGreaterThan(10);
      const strip = (r: Record<string, unknown>) =>
        [
          r.start,
          r.span_kind,
          r.span_name,
          r.service,
          r.environment,
          r.route,
          r.method,
          r.operation,
          r.calls,
          r.errors,
          r.duration_sum,
          r.duration_max,
        ].map(String);
      expect(stats.map(strip)).toEqual(raw.map(strip));
      expect(raw.some((r) => Number(r.errors) > 0)).toBe(true);
      expect(raw.some((r) => r.operation !== '')).toBe(true);
      stats.forEach((r, i) => {
        expect(raw[i]?.traces as string[]).toContain(r.trace);
      });
    },
  );
});
