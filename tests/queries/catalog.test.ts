import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { QUERIES, bindParams, expandMacros, findQuery, grafanaSql } from '../../src/queries/index.js';

const range = { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 8), intervalMs: 3_600_000 };
const sample: Record<string, unknown> = { steps: ['a', 'b'], experiment: 'exp', conversion_event: 'signup' };

describe('the named queries', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore();
  });
  afterAll(async () => t?.drop());

  it('have unique names and declare every parameter their SQL uses', () => {
    expect(new Set(QUERIES.map((q) => q.name)).size).toBe(QUERIES.length);
    for (const q of QUERIES) {
      const used = new Set([...q.sql.matchAll(/\{([A-Za-z_]\w*):[^}]+\}/g)].map((m) => m[1]));
      expect([...used].sort(), q.name).toEqual(q.params.map((p) => p.name).sort());
    }
  });

  it.each(QUERIES.map((q) => [q.name]))('%s returns its declared columns', async (name) => {
    const q = findQuery(name);
    const params = bindParams(q, Object.fromEntries(q.params.filter((p) => p.default === undefined).map((p) => [p.name, sample[p.name]])));
    const described = await t.store.query<{ name: string }>(`DESCRIBE (${expandMacros(q.sql, range)})`, params);
    expect(described.map((c) => c.name)).toEqual(q.columns);
    await t.store.query(expandMacros(q.sql, range), params);
  });

  it('rejects unknown and missing parameters by name', () => {
    expect(() => bindParams(findQuery('funnel'), {})).toThrow(/needs parameter "steps"/);
    expect(() => bindParams(findQuery('error_groups'), { nope: 1 })).toThrow(/no parameter "nope"/);
  });

  it('renders dashboard SQL with variables in place of parameters and macros kept', () => {
    const sql = grafanaSql(findQuery('funnel'), { window_s: '3600' });
    expect(sql).toContain('[${steps:sqlstring}] AS steps');
    expect(sql).toContain('windowFunnel(3600 * 1000)');
    expect(sql).toContain('$__timeFilter(created_at)');
    expect(grafanaSql(findQuery('http_route_latency'))).toContain("(${service:sqlstring} = '' OR ServiceName = ${service:sqlstring})");
  });
});
