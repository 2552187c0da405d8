import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { defaultSchemaDir, loadMigrations, migrate, planMigrations } from '../../src/store/migrate.js';
import { DEFAULT_RETENTION } from '../../src/store/retention.js';

// clickhouse/030 drops user_activity_hours (022) and its view: a store migrated before 030 existed loses
// both, with the ids they held, and keeps every other analytics table fed.
describe('030_drop_user_activity_hours', () => {
  let t: TestStore;
  let before: string;
  const tables = async () =>
    (
      await t.store.query<{ name: string }>(
        "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'user_activit%' ORDER BY name",
      )
    ).map((r) => r.name);

  beforeAll(async () => {
    // The schema as it was before 030: every file numbered below it.
    before = mkdtempSync(join(tmpdir(), 'tc9-schema-before-030-'));
    cpSync(defaultSchemaDir(), before, { recursive: true, filter: (src) => !/\/(0[3-9]\d|[1-9]\d\d)_[^/]*\.sql$/.test(src) });
    t = await createTestStore({ schemaDir: before });
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(before, { recursive: true, force: true });
  });

  it('removes the table and its view from a store that had them, and the other views keep working', async () => {
    await t.store.insert('otel_logs', [
      {
        Timestamp: '2026-01-05 10:00:00',
        EventName: 'page.view',
        LogAttributes: { 'tc9.event.kind': 'analytics', 'user.id': 'alice', 'session.id': 's1', 'url.path': '/a' },
      },
    ]);
    expect(await tables()).toEqual(
      [
        'user_activities',
        'user_activity_days',
        'user_activity_days_mv',
        'user_activity_hours',
        'user_activity_hours_mv',
        'user_activities_mv',
      ].sort(),
    );
    const [held] = await t.store.query<{ n: number }>("SELECT count() AS n FROM user_activity_hours WHERE user_id = 'alice'");
    expect(Number(held?.n)).toBe(1);

    const result = await migrate(t.store);
    expect(result.applied.map((m) => m.name)).toContain('drop_user_activity_hours');
    expect(await tables()).toEqual(['user_activities', 'user_activities_mv', 'user_activity_days', 'user_activity_days_mv'].sort());

    await t.store.insert('otel_logs', [
      {
        Timestamp: '2026-01-05 11:00:00',
        EventName: 'page.view',
        LogAttributes: { 'tc9.event.kind': 'analytics', 'user.id': 'bob', 'session.id': 's2', 'url.path': '/b' },
      },
    ]);
    const [activities] = await t.store.query<{ n: number }>('SELECT count() AS n FROM user_activities');
    expect(Number(activities?.n)).toBe(2);
    const [days] = await t.store.query<{ n: number }>("SELECT count() AS n FROM user_activity_days WHERE user_id = 'bob'");
    expect(Number(days?.n)).toBe(1);
    // Again: nothing left to drop, nothing fails.
    expect((await migrate(t.store)).applied).toEqual([]);
  });

  it('drops the view, the Distributed table and the local table on a cluster', () => {
    const plan = planMigrations(loadMigrations(), { database: 'otel', cluster: 'tc9_cluster', retention: DEFAULT_RETENTION });
    const statements = plan.find((p) => p.name === 'drop_user_activity_hours')?.statements ?? [];
    expect(statements).toEqual([
      'DROP VIEW IF EXISTS `otel`.user_activity_hours_mv_local ON CLUSTER `tc9_cluster` SYNC',
      'DROP TABLE IF EXISTS `otel`.user_activity_hours ON CLUSTER `tc9_cluster` SYNC',
      'DROP TABLE IF EXISTS `otel`.user_activity_hours_local ON CLUSTER `tc9_cluster` SYNC',
    ]);
  });
});
