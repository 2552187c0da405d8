import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { findQuery, runQuery } from '../../src/queries/index.js';
import { TEST_RETENTION, generate, seed, type Dataset, type Span } from './fixture.js';
import { groupBy, quantile, uniq } from './stats.js';

type Row = Record<string, unknown>;
const ms = (text: unknown) => Date.parse(`${String(text).replace(' ', 'T')}Z`);

describe('error and migration queries on a seeded dataset', () => {
  let t: TestStore;
  let data: Dataset;
  const run = (name: string, params?: Record<string, unknown>) =>
    runQuery<Row>(t.store, findQuery(name), { from: data.from, to: data.to, params });

  beforeAll(async () => {
    t = await createTestStore({ retention: TEST_RETENTION });
    data = generate(5);
    await seed(t.store, data);
  });
  afterAll(async () => t?.drop());

  it('error_groups: occurrences, users affected, first and last seen, releases', async () => {
    const errors = data.events.filter((e) => e.name === 'tc9.error');
    const groups = groupBy(errors, (e) => e.attrs['tc9.error.fingerprint']!);
    const rows = await run('error_groups');
    expect(rows).toHaveLength(groups.size);
    for (const row of rows) {
      const events = groups.get(String(row.fingerprint))!;
      expect(row).toMatchObject({
        error_type: `${row.fingerprint}-type`,
        message: `${row.fingerprint} happened`,
        occurrences: events.length,
        users_affected: uniq(events.filter((e) => e.user).map((e) => e.user)),
        releases: [...new Set(events.map((e) => e.release))].sort(),
      });
      expect(ms(row.first_seen)).toBe(Math.min(...events.map((e) => e.ts)));
      expect(ms(row.last_seen)).toBe(Math.max(...events.map((e) => e.ts)));
    }
    const newer = await run('error_groups', { release: 'app@1.1.0' });
    expect(newer.reduce((n, r) => n + Number(r.occurrences), 0)).toBe(errors.filter((e) => e.release === 'app@1.1.0').length);
  });

  it('errors_by_release: errors, groups and users per release', async () => {
    const perRelease = groupBy(
      data.events.filter((e) => e.name === 'tc9.error'),
      (e) => e.release!,
    );
    const rows = await run('errors_by_release');
    expect(rows.map((r) => [r.release, r.errors, r.groups, r.users_affected]).sort()).toEqual(
      [...perRelease.entries()]
        .map(([release, events]) => [
          release,
          events.length,
          uniq(events.map((e) => e.attrs['tc9.error.fingerprint'])),
          uniq(events.filter((e) => e.user).map((e) => e.user)),
        ])
        .sort(),
    );
  });

  it('migration_throughput: outcomes and records per second of run time per template', async () => {
    const runs = groupBy(
      data.spans.filter((s) => s.name === 'migration.run'),
      (s) => s.attrs['tc9.migration.template']!,
    );
    const rows = await run('migration_throughput');
    expect(rows).toHaveLength(runs.size);
    for (const row of rows) {
      const spans = runs.get(String(row.template))!;
      const records = spans.reduce((n, s) => n + Number(s.attrs['tc9.migration.records.processed']), 0);
      const seconds = spans.reduce((n, s) => n + s.durationNs / 1e9, 0);
      const failed = spans.filter((s) => s.attrs['tc9.migration.outcome'] === 'failed').length;
      expect(row).toMatchObject({ runs: spans.length, failed, succeeded: spans.length - failed, records_processed: records });
      expect(row.records_per_second).toBeCloseTo(records / seconds, 6);
      expect(row.p95_duration_s).toBeCloseTo(
        quantile(
          spans.map((s) => s.durationNs / 1e9),
          0.95,
        ),
        6,
      );
    }
  });

  it('migration_phase_breakdown: time per phase and its share, for all runs and for one run', async () => {
    const phases = data.spans.filter((s) => s.name.startsWith('migration.phase '));
    const check = (rows: Row[], spans: Span[]) => {
      const byPhase = groupBy(spans, (s) => s.attrs['tc9.migration.phase']!);
      const all = spans.reduce((n, s) => n + s.durationNs, 0);
      expect(rows.map((r) => r.phase).sort()).toEqual([...byPhase.keys()].sort());
      for (const row of rows) {
        const own = byPhase.get(String(row.phase))!;
        const total = own.reduce((n, s) => n + s.durationNs, 0);
        expect(row.executions).toBe(own.length);
        expect(row.total_s).toBeCloseTo(total / 1e9, 6);
        expect(row.share).toBeCloseTo(total / all, 9);
        expect(row.avg_ms).toBeCloseTo(total / 1e6 / own.length, 6);
      }
    };
    check(await run('migration_phase_breakdown'), phases);
    check(
      await run('migration_phase_breakdown', { run_id: 'run-3' }),
      phases.filter((s) => s.attrs['tc9.migration.run_id'] === 'run-3'),
    );
  });
});
