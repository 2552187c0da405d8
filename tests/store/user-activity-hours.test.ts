import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { defaultSchemaDir, migrate } from '../../src/store/migrate.js';
import { expandMacros } from '../../src/queries/macros.js';
import { activityRows } from '../../src/queries/activity.js';
import { findQuery, runQuery } from '../../src/queries/index.js';
import { deleteUser } from '../../src/store/gdpr.js';

// user_activity_hours (clickhouse/022): fed by its view from user_activities (and by the file's backfill for
// older rows); queries read whole hours from it and the edge hours from user_activities, exact to the second.
const H = 3_600_000;
const T0 = Math.floor(Date.now() / H) * H - 6 * H;
const dt = (ms: number) => `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1e6).padStart(9, '0')}`;
const event = (ms: number, user: string, name = 'page.view', org = 'org-1') => ({
  Timestamp: dt(ms),
  ServiceName: 'web',
  LogAttributes: {
    'tc9.event.kind': 'analytics',
    'user.id': user,
    'session.id': `${user}-s`,
    'tc9.org.id': org,
    'tc9.org.type': 'sandbox',
    'tc9.user.type': 'admin',
  },
  EventName: name,
});

// Events on whole seconds, some on hour starts and in the same hours as the range bounds below.
const EVENTS: Array<[number, string, string]> = [
  [T0 - 30_000, 'before', 'page.view'],
  [T0, 'ann', 'login'],
  [T0 + 10 * 60_000, 'bob', 'migration.created'],
  [T0 + 59 * 60_000 + 59_000, 'cat', 'page.view'],
  [T0 + H, 'dan', 'migration.executed'],
  [T0 + H + 1_000, 'ann', 'migration.created'],
  [T0 + 2 * H + 30 * 60_000, 'eve', 'page.view'],
  [T0 + 3 * H + 15 * 60_000, 'fay', 'migration.executed'],
  [T0 + 4 * H - 1_000, 'gus', 'page.view'],
  [T0 + 4 * H, 'hal', 'page.view'],
];

describe('user_activity_hours', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
    // Half the events before the file is applied (backfill), half after (the view).
    const before = mkdtempSync(join(tmpdir(), 'tc9-schema-'));
    for (const file of readdirSync(defaultSchemaDir()).filter((f) => /^0[01]\d_|^02[01]_/.test(f))) cpSync(join(defaultSchemaDir(), file), join(before, file));
    await migrate(t.store, { schemaDir: before });
    await t.store.insert('otel_logs', EVENTS.slice(0, 5).map(([ms, user, name]) => event(ms, user, name)));
    const result = await migrate(t.store);
    expect(result.applied.map((m) => m.name)).toContain('user_activity_hours');
    await t.store.insert('otel_logs', EVENTS.slice(5).map(([ms, user, name]) => event(ms, user, name)));
  });
  afterAll(async () => t?.drop());

  it('holds one row per hour, user and session with the event counts, from the backfill and the view', async () => {
    const rows = await t.store.query<Record<string, unknown>>(
      `SELECT toUnixTimestamp(hour) * 1000 AS hour, user_id, session_id, org_id, sum(events) AS events, sum(migrations_created) AS created, sum(migrations_executed) AS executed
       FROM user_activity_hours GROUP BY hour, user_id, session_id, org_id ORDER BY hour, user_id`,
    );
    expect(rows.map((r) => [Number(r.hour) - T0, r.user_id, Number(r.events), Number(r.created), Number(r.executed)])).toEqual([
      [-H, 'before', 1, 0, 0],
      [0, 'ann', 1, 0, 0],
      [0, 'bob', 1, 1, 0],
      [0, 'cat', 1, 0, 0],
      [H, 'ann', 1, 1, 0],
      [H, 'dan', 1, 0, 1],
      [2 * H, 'eve', 1, 0, 0],
      [3 * H, 'fay', 1, 0, 1],
      [3 * H, 'gus', 1, 0, 0],
      [4 * H, 'hal', 1, 0, 0],
    ]);
    expect(rows.every((r) => r.session_id === `${String(r.user_id)}-s` && r.org_id === 'org-1')).toBe(true);
  });

  it('gives the same events as the raw rows for ranges on and off hour starts, to the second', async () => {
    const bounds = [T0 - H, T0 - 30_000, T0, T0 + 1_000, T0 + 10 * 60_000, T0 + 59 * 60_000 + 59_000, T0 + H, T0 + H + 1_000, T0 + 2 * H + 5 * 60_000, T0 + 4 * H - 1_000, T0 + 4 * H, T0 + 5 * H];
    for (const from of bounds) {
      for (const to of bounds.filter((b) => b >= from)) {
        for (const fromExclusive of [false, true]) {
          const expected = EVENTS.filter(([ms]) => (fromExclusive ? ms > from : ms >= from) && ms <= to)
            .map(([, user]) => user)
            .sort();
          // Boundaries inside the range (read from the events too) must not count their hours twice.
          const boundaries = [`$__fromTime + INTERVAL ${Math.floor((to - from) / 2000)} SECOND`, `$__toTime - INTERVAL 1 HOUR`];
          const sql = expandMacros(`SELECT user_id, events FROM (${activityRows({ from: '$__fromTime', fromExclusive, to: '$__toTime', boundaries })})`, { from, to });
          const rows = await t.store.query<{ user_id: string; events: number }>(sql);
          const users = rows.flatMap((r) => Array<string>(Number(r.events)).fill(r.user_id)).sort();
          expect(users, `${from - T0}..${to - T0} ${fromExclusive ? '(' : '['}`).toEqual(expected);
        }
      }
    }
  });

  it('serves the panels: DAU/WAU/MAU and organisations with known answers', async () => {
    // The day ending at T0 + 4 h - 1 s: everyone but hal; the range's own hours are edges and middle hours.
    const [summary] = await runQuery<Record<string, number>>(t.store, findQuery('active_users_summary'), { from: T0 - 7 * 86_400_000, to: T0 + 4 * H - 1_000 });
    expect(Object.values(summary!).map(Number)).toEqual([8, 8, 8]);
    const orgs = await t.store.query<Record<string, unknown>>(
      expandMacros(
        `SELECT org_id, uniqExact(user_id) AS users, sum(migrations_created) AS created, sum(migrations_executed) AS executed FROM (${activityRows({ from: '$__fromTime', to: '$__toTime', where: "org_id != ''" })}) GROUP BY org_id`,
        { from: T0 + 1_000, to: T0 + 3 * H + 15 * 60_000 },
      ),
    );
    // From T0 + 1 s: ann's login at T0 is out, her migration at T0 + 1 h + 1 s in; fay's execution at the last second in.
    expect(orgs.map((r) => [r.org_id, Number(r.users), Number(r.created), Number(r.executed)])).toEqual([['org-1', 6, 2, 2]]);
  });

  it('loses a user\'s rows on GDPR deletion', async () => {
    const count = async (user: string) => Number((await t.store.query<{ n: number }>('SELECT count() AS n FROM user_activity_hours WHERE user_id = {user:String}', { user }))[0]?.n);
    expect(await count('ann')).toBe(2);
    const deletion = await deleteUser(t.store, 'ann', 'dpo@example.com');
    expect(deletion.rowCounts.user_activity_hours).toBe(2);
    expect(await count('ann')).toBe(0);
    expect(await count('bob')).toBe(1);
  });
});

describe('user_activity_hours after the anonymisation age', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore({ retention: { errorLogsDays: 90, analyticsDataDays: 30, userDataAnonymizationDays: 1, performanceDataDays: 30 } });
  });
  afterAll(async () => t?.drop());

  it('rolls an hour up per organisation with the ids blanked, as user_activities blanks them', async () => {
    const old = Math.floor(Date.now() / H) * H - 3 * 86_400_000;
    await t.store.insert('otel_logs', [event(old + 60_000, 'ann', 'migration.created'), event(old + 120_000, 'bob'), event(old + 180_000, 'bob', 'page.view', 'org-2')]);
    await t.store.command('OPTIMIZE TABLE user_activity_hours FINAL');
    await t.store.command('OPTIMIZE TABLE user_activities FINAL');
    const rows = await t.store.query<Record<string, unknown>>('SELECT org_id, user_id, session_id, events, migrations_created FROM user_activity_hours ORDER BY org_id');
    expect(rows.map((r) => [r.org_id, r.user_id, r.session_id, Number(r.events), Number(r.migrations_created)])).toEqual([
      ['org-1', '', '', 2, 1],
      ['org-2', '', '', 1, 0],
    ]);
    // The organisations' distinct users and sessions read the same from both tables: the blank id once.
    const range = { from: old - H, to: old + 3 * H };
    const fromHours = await t.store.query(expandMacros(`SELECT org_id, uniqExact(user_id) AS users, uniqExact(session_id) AS sessions, sum(events) AS events FROM (${activityRows({ from: '$__fromTime', to: '$__toTime' })}) GROUP BY org_id ORDER BY org_id`, range));
    const fromEvents = await t.store.query(expandMacros('SELECT org_id, uniqExact(user_id) AS users, uniqExact(session_id) AS sessions, count() AS events FROM user_activities WHERE $__timeFilter(created_at) GROUP BY org_id ORDER BY org_id', range));
    expect(fromHours).toEqual(fromEvents);
    expect(fromHours).toHaveLength(2);
  });
});
