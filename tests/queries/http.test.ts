import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { findQuery, runQuery } from '../../src/queries/index.js';
import { DURATION_BUCKETS_SECONDS } from '../../src/semconv.js';
import { TEST_RETENTION, generate, seed, type Dataset } from './fixture.js';
import { groupBy, histogramQuantile, quantile } from './stats.js';

type Row = Record<string, number | string>;

describe('HTTP and database latency queries on a seeded dataset', () => {
  let t: TestStore;
  let data: Dataset;
  const run = (name: string, params?: Record<string, unknown>) =>
    runQuery<Row>(t.store, findQuery(name), { from: data.from, to: data.to, params });

  beforeAll(async () => {
    t = await createTestStore({ retention: TEST_RETENTION });
    data = generate(11);
    await seed(t.store, data);
  });
  afterAll(async () => t?.drop());

  it('http_route_latency: counts, error rate and exact percentiles per route from server spans', async () => {
    const server = data.spans.filter((s) => s.kind === 'Server' && s.service === 'api');
    const rows = await run('http_route_latency', { service: 'api' });
    const expected = groupBy(server, (s) => `${s.attrs['http.route']} ${s.attrs['http.request.method']}`);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const spans = expected.get(`${row.route} ${row.method}`)!;
      const ms = spans.map((s) => s.durationNs / 1e6);
      const code = (s: (typeof spans)[number]) => Number(s.attrs['http.response.status_code']);
      // 5xx = error; a 4xx is the client's and counted on its own, whatever status an SDK gave its span.
      const errors = spans.filter((s) => code(s) >= 500 || (s.status === 'Error' && !(code(s) >= 400 && code(s) < 500))).length;
      const clientErrors = spans.filter((s) => code(s) >= 400 && code(s) < 500).length;
      expect(row.requests).toBe(spans.length);
      expect(row.errors).toBe(errors);
      expect(row.client_errors).toBe(clientErrors);
      expect(row.error_rate).toBeCloseTo(errors / spans.length, 12);
      expect(row.p50_ms).toBeCloseTo(quantile(ms, 0.5), 6);
      expect(row.p95_ms).toBeCloseTo(quantile(ms, 0.95), 6);
      expect(row.p99_ms).toBeCloseTo(quantile(ms, 0.99), 6);
    }
    expect(rows.some((r) => Number(r.client_errors) > 0)).toBe(true);
    const all = await run('http_route_latency');
    expect(all.reduce((n, r) => n + Number(r.requests), 0)).toBe(data.spans.filter((s) => s.kind === 'Server').length);
  });

  it('http_red_over_time: per-bucket request rate, error rate and p95 for one route', async () => {
    const hour = 3_600_000;
    const spans = data.spans.filter((s) => s.kind === 'Server' && s.attrs['http.route'] === '/orders');
    const rows = await runQuery<Row>(t.store, findQuery('http_red_over_time'), {
      from: data.from,
      to: data.to,
      intervalMs: 6 * hour,
      params: { route: '/orders' },
    });
    const buckets = groupBy(spans, (s) => String(Math.floor(s.ts / (6 * hour)) * 6 * hour));
    expect(rows).toHaveLength(buckets.size);
    for (const row of rows) {
      const bucket = buckets.get(String(Date.parse(`${String(row.time).replace(' ', 'T')}Z`)))!;
      expect(row.requests_per_s).toBeCloseTo(bucket.length / (6 * 3600), 12);
      expect(row.p95_ms).toBeCloseTo(
        quantile(
          bucket.map((s) => s.durationNs / 1e6),
          0.95,
        ),
        6,
      );
    }
  });

  it('http_route_latency_from_metrics: delta sums and cumulative increases, interpolated in the buckets', async () => {
    const rows = await run('http_route_latency_from_metrics');
    const series = groupBy(data.histograms, (h) => `${h.service}|${JSON.stringify(h.attrs)}|${h.temporality === 2 ? h.start : ''}`);
    const perRoute = new Map<string, { counts: number[]; errors: number }>();
    for (const points of series.values()) {
      const first = points[0]!;
      let counts: number[];
      if (first.temporality === 1)
        counts = points.reduce((acc, p) => acc.map((c, i) => c + p.counts[i]!), new Array<number>(first.counts.length).fill(0));
      else {
        const sorted = [...points].sort((a, b) => a.time - b.time);
        const last = sorted[sorted.length - 1]!.counts;
        counts = first.start >= data.from ? last : last.map((c, i) => c - sorted[0]!.counts[i]!);
      }
      const key = `${first.attrs['http.route']} ${first.attrs['http.request.method']}`;
      const acc = perRoute.get(key) ?? { counts: new Array<number>(counts.length).fill(0), errors: 0 };
      acc.counts = acc.counts.map((c, i) => c + counts[i]!);
      if (Number(first.attrs['http.response.status_code']) >= 500) acc.errors += counts.reduce((a, b) => a + b, 0);
      perRoute.set(key, acc);
    }
    expect(rows).toHaveLength(perRoute.size);
    for (const row of rows) {
      const { counts, errors } = perRoute.get(`${row.route} ${row.method}`)!;
      const total = counts.reduce((a, b) => a + b, 0);
      expect(row.requests).toBe(total);
      expect(row.errors).toBe(errors);
      for (const [column, q] of [
        ['p50_ms', 0.5],
        ['p95_ms', 0.95],
        ['p99_ms', 0.99],
      ] as const) {
        expect(row[column]).toBeCloseTo(histogramQuantile(q, DURATION_BUCKETS_SECONDS, counts) * 1000, 6);
      }
    }
  });

  it('db_operation_latency: p95 per Prisma operation', async () => {
    const ops = groupBy(
      data.spans.filter((s) => s.name === 'prisma:client:operation'),
      (s) => (s.attrs.model ? `${s.attrs.model}.${s.attrs.method}` : s.attrs.method!),
    );
    const rows = await run('db_operation_latency');
    expect(rows.map((r) => r.operation).sort()).toEqual([...ops.keys()].sort());
    for (const row of rows) {
      const spans = ops.get(String(row.operation))!;
      expect(row.calls).toBe(spans.length);
      expect(row.errors).toBe(spans.filter((s) => s.status === 'Error').length);
      expect(row.p95_ms).toBeCloseTo(
        quantile(
          spans.map((s) => s.durationNs / 1e6),
          0.95,
        ),
        6,
      );
    }
  });
});
