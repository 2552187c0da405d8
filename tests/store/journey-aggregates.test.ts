import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { defaultSchemaDir, migrate } from '../../src/store/migrate.js';
import { expandMacros } from '../../src/queries/macros.js';
import { activeUserDays, activitySketches, orgSessionDays } from '../../src/queries/activity.js';
import { findQuery, runQuery } from '../../src/queries/index.js';
import { JOURNEYS_SQL } from '../../src/dashboards/sql/journeys.js';
import { NAMED_SQL } from '../../src/dashboards/sql/named.js';
import { seededRandom } from '../../examples/migration-service/run/random.js';

// The User journeys aggregates (clickhouse/025-028) against the same questions asked of the raw events
// (user_activities), on a seeded scenario written in three inserts: the first before the files exist (their
// backfill), the others through the views, so rows of one day and user sit in several parts.
const H = 3_600_000;
const DAY = 24 * H;
const T0 = Math.floor(Date.now() / DAY) * DAY - 4 * DAY;
const dt = (ms: number) => `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1e6).padStart(9, '0')}`;
const NAMES = ['page.view', 'page.view', 'page.view', 'login', 'feature.used', 'migration.created', 'migration.executed'];
const PATHS = ['/dashboard', '/projects', '/runs/:id'];
const FEATURES = ['export_csv', 'template_picker', 'failure_drilldown'];

function scenario() {
  const random = seededRandom(7);
  const events = [];
  for (let i = 0; i < 900; i++) {
    const user = random() < 0.05 ? '' : `user-${Math.floor(random() * 30)}`;
    const ui = Number(user.slice(5) || 0);
    // Whole seconds over four days; some on day and hour starts, where the range bounds below fall.
    const ms =
      random() < 0.1 ? T0 + Math.floor(random() * 4) * DAY + Math.floor(random() * 3) * H : T0 + Math.floor(random() * 4 * 86_400) * 1000;
    const name = NAMES[Math.floor(random() * NAMES.length)]!;
    events.push({
      Timestamp: dt(ms),
      ServiceName: 'web',
      LogAttributes: {
        'tc9.event.kind': 'analytics',
        'user.id': user,
        'session.id': user ? `${user}-s${Math.floor(ms / (5 * H))}` : '',
        'tc9.org.id': ui % 5 === 4 ? '' : `org-${ui % 5}`,
        'tc9.org.type': ['production', 'sandbox'][(ui % 5) % 2]!,
        'tc9.user.type': ['admin', 'viewer', 'consultant'][ui % 3]!,
        'url.path': name === 'page.view' ? PATHS[Math.floor(random() * PATHS.length)]! : '',
        ...(name === 'feature.used' && { 'tc9.feature.name': FEATURES[(ui + Math.floor(ms / H)) % FEATURES.length]! }),
      },
      EventName: name,
    });
  }
  return events;
}

// Bounds on day starts, hour starts and in between, and a range within one day.
const RANGES: Array<[number, number]> = [
  [T0, T0 + 4 * DAY],
  [T0 + DAY, T0 + 2 * DAY],
  [T0 + DAY - 1000, T0 + 2 * DAY + 1000],
  [T0 + 5 * H + 17_000, T0 + 3 * DAY + 2 * H],
  [T0 + 2 * DAY + H, T0 + 2 * DAY + 9 * H + 1000],
  [T0 + 30 * 60_000, T0 + DAY + 30 * 60_000],
  [T0 + 2 * H, T0 + 2 * H + 30 * 60_000],
];

describe('User journeys aggregates (user_activity_days, org_session_days, activity_hour_sketches, page_view_hours)', () => {
  let t: TestStore;
  const q = (sql: string, range: [number, number], intervalMs = 60_000) =>
    t.store.query<Record<string, unknown>>(expandMacros(sql, { from: range[0], to: range[1], intervalMs }));

  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
    const before = mkdtempSync(join(tmpdir(), 'tc9-schema-'));
    for (const file of readdirSync(defaultSchemaDir()).filter((f) => /^0[01]\d_|^02[0-4]_/.test(f)))
      cpSync(join(defaultSchemaDir(), file), join(before, file));
    await migrate(t.store, { schemaDir: before });
    const events = scenario();
    await t.store.insert('otel_logs', events.slice(0, 300));
    const result = await migrate(t.store);
    expect(result.applied.map((m) => m.name)).toEqual(
      expect.arrayContaining(['user_activity_days', 'activity_hour_sketches', 'org_session_days', 'page_view_hours']),
    );
    await t.store.insert('otel_logs', events.slice(300, 600));
    await t.store.insert('otel_logs', events.slice(600));
  });
  afterAll(async () => t?.drop());

  it('has the scenario in several parts', async () => {
    const [row] = await t.store.query<{ parts: number; users: number }>(
      "SELECT (SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'user_activity_days' AND active) AS parts, (SELECT uniqExact(user_id) FROM user_activities) AS users",
    );
    expect(Number(row!.parts)).toBeGreaterThan(1);
    expect(Number(row!.users)).toBeGreaterThan(25);
  });

  it('user_activity_days: the same active users per day as the events, to the second, from either bound side', async () => {
    for (const range of RANGES) {
      for (const fromExclusive of [false, true]) {
        const days = await q(
          `SELECT DISTINCT toString(day) AS day, user_id, org_id, user_type FROM (${activeUserDays({ from: '$__fromTime', fromExclusive, to: '$__toTime' })}) ORDER BY day, user_id, org_id, user_type`,
          range,
        );
        const raw = await q(
          `SELECT DISTINCT toString(toDate(created_at)) AS day, user_id, org_id, user_type FROM user_activities
           WHERE created_at ${fromExclusive ? '>' : '>='} $__fromTime AND created_at <= $__toTime ORDER BY day, user_id, org_id, user_type`,
          range,
        );
        expect(days, `${range[0] - T0}..${range[1] - T0} ${fromExclusive}`).toEqual(raw);
        expect(raw.length).toBeGreaterThan(0);
      }
    }
  });

  it('org_session_days: the same sessions per organisation and day as the events', async () => {
    for (const range of RANGES) {
      const days = await q(
        `SELECT DISTINCT toString(day) AS day, org_id, session_id FROM (${orgSessionDays({ from: '$__fromTime', to: '$__toTime' })}) ORDER BY day, org_id, session_id`,
        range,
      );
      const raw = await q(
        'SELECT DISTINCT toString(toDate(created_at)) AS day, org_id, session_id FROM user_activities WHERE $__timeFilter(created_at) ORDER BY day, org_id, session_id',
        range,
      );
      expect(days, `${range[0] - T0}..${range[1] - T0}`).toEqual(raw);
    }
  });

  it('activity_hour_sketches: per hour and type the distinct users and sessions of the events (sketches are exact at this size)', async () => {
    for (const range of RANGES) {
      const sketched = await q(
        `SELECT toString(hour) AS hour, user_type, uniqCombinedMerge(12)(users) AS users, uniqCombinedMerge(12)(sessions) AS sessions
         FROM (${activitySketches({ from: '$__fromTime', to: '$__toTime' })}) GROUP BY hour, user_type HAVING users > 0 ORDER BY hour, user_type`,
        range,
      );
      const raw = await q(
        `SELECT toString(toStartOfHour(created_at)) AS hour, user_type, uniqExact(user_id) AS users, uniqExact(session_id) AS sessions
         FROM user_activities WHERE $__timeFilter(created_at) AND user_id != '' GROUP BY hour, user_type ORDER BY hour, user_type`,
        range,
      );
      expect(sketched, `${range[0] - T0}..${range[1] - T0}`).toEqual(raw);
    }
  });

  it('panels: the same answers as the raw-event SQL they replace', async () => {
    const rawPanels = {
      // The panels' SQL before the aggregates (queries over user_activities only).
      activeUsersOverTime: `SELECT toStartOfInterval(created_at, INTERVAL 3600 SECOND) AS time, uniqExact(user_id) AS active_users, uniqExact(session_id) AS active_sessions
        FROM user_activities WHERE $__timeFilter(created_at) AND user_id != '' GROUP BY time ORDER BY time`,
      activeUsersByOrgType: `SELECT toStartOfInterval(created_at, INTERVAL 3600 SECOND) AS time, if(org_type = '', 'unknown', org_type) AS org_type, uniqExact(user_id) AS active_users
        FROM user_activities WHERE $__timeFilter(created_at) AND user_id != '' GROUP BY time, org_type ORDER BY time, org_type`,
      topPages: `SELECT url_path AS Path, count() AS Views, uniqExact(user_id) AS Users FROM user_activities
        WHERE $__timeFilter(created_at) AND action = 'page.view' AND url_path != '' GROUP BY Path ORDER BY Views DESC, Path LIMIT 20`,
      organisations: `SELECT org_id AS Organisation, any(org_type) AS OrgType, uniqExact(user_id) AS Users, uniqExact(session_id) AS Sessions,
          countIf(action = 'migration.created') AS MigrationsCreated, countIf(action = 'migration.executed') AS MigrationsExecuted
        FROM user_activities WHERE $__timeFilter(created_at) AND org_id != '' GROUP BY Organisation ORDER BY Users DESC, Organisation LIMIT 50`,
    } as const;
    for (const range of RANGES) {
      for (const [panel, raw] of Object.entries(rawPanels)) {
        const fromAggregates = await q(JOURNEYS_SQL[panel as keyof typeof rawPanels], range);
        const expected = await q(raw, range);
        expect(fromAggregates, `${panel} ${range[0] - T0}..${range[1] - T0}`).toEqual(expected);
      }
    }
  });

  it('named queries: DAU/WAU/MAU, retention and adoption as counted from the events', async () => {
    for (const range of RANGES) {
      const [summary] = await runQuery<Record<string, unknown>>(t.store, findQuery('active_users_summary'), {
        from: range[0],
        to: range[1],
      });
      const [expected] = await q(
        `SELECT uniqExactIf(user_id, created_at > $__toTime - INTERVAL 1 DAY) AS dau, uniqExactIf(user_id, created_at > $__toTime - INTERVAL 7 DAY) AS wau, uniqExact(user_id) AS mau
         FROM user_activities WHERE created_at > $__toTime - INTERVAL 30 DAY AND created_at <= $__toTime AND user_id != ''`,
        range,
      );
      expect(summary, `${range[0] - T0}..${range[1] - T0}`).toEqual(expected);

      const retention = await runQuery(t.store, findQuery('retention_cohorts'), {
        from: range[0],
        to: range[1],
        params: { period_days: 1, periods: 7 },
      });
      const retentionRaw = await q(
        `SELECT toString(first_day) AS cohort, period, count() AS retained_users FROM (
           SELECT groupUniqArray(toDate(created_at)) AS days, arrayMin(days) AS first_day FROM user_activities
           WHERE $__timeFilter(created_at) AND user_id != '' GROUP BY user_id)
         ARRAY JOIN arrayMap(d -> toUInt64(d - first_day), days) AS period WHERE period < 7 GROUP BY first_day, period ORDER BY first_day, period`,
        range,
      );
      expect(
        retention.map((r) => ({ cohort: String(r.cohort), period: Number(r.period), retained_users: Number(r.retained_users) })),
      ).toEqual(
        retentionRaw.map((r) => ({ cohort: String(r.cohort), period: Number(r.period), retained_users: Number(r.retained_users) })),
      );

      const adoption = await runQuery(t.store, findQuery('feature_adoption'), { from: range[0], to: range[1] });
      const [active] = await q(
        "SELECT uniqExact(user_id) AS n FROM user_activities WHERE $__timeFilter(created_at) AND user_id != ''",
        range,
      );
      for (const row of adoption) expect(Number(row.active_users)).toBe(Number(active!.n));
      // Users and uses over the same seconds as the active users (whole days and the edge days' events), so
      // the rate is the raw events' answer and never above 1; the panel's SQL is the named query's.
      const adoptionRaw = await q(
        `SELECT feature_name AS feature, uniqExactIf(user_id, user_id != '') AS users, count() AS uses,
           (SELECT uniqExact(user_id) FROM user_activities WHERE $__timeFilter(created_at) AND user_id != '') AS active_users
         FROM user_activities WHERE $__timeFilter(created_at) AND action = 'feature.used' AND feature_name != ''
         GROUP BY feature ORDER BY users DESC, feature`,
        range,
      );
      const shape = (rows: Record<string, unknown>[]) =>
        rows.map((r) => ({
          feature: String(r.feature),
          users: Number(r.users),
          uses: Number(r.uses),
          active_users: Number(r.active_users),
        }));
      expect(shape(adoption), `adoption ${range[0] - T0}..${range[1] - T0}`).toEqual(shape(adoptionRaw));
      expect(shape(await q(NAMED_SQL.featureAdoption, range)), `adoption panel ${range[0] - T0}..${range[1] - T0}`).toEqual(
        shape(adoptionRaw),
      );
      expect(adoptionRaw.length).toBeGreaterThan(0);
      for (const row of adoption) expect(Number(row.adoption_rate)).toBeLessThanOrEqual(1);
    }
  });
});

describe('User journeys aggregates after the anonymisation age', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore({
      retention: { errorLogsDays: 90, analyticsDataDays: 30, userDataAnonymizationDays: 1, performanceDataDays: 30 },
    });
  });
  afterAll(async () => t?.drop());

  it('blanks the ids in the day tables (rolled up per organisation) and drops the sketches', async () => {
    const old = Math.floor(Date.now() / H) * H - 3 * DAY;
    const event = (ms: number, user: string, org: string, name = 'page.view') => ({
      Timestamp: dt(ms),
      ServiceName: 'web',
      LogAttributes: {
        'tc9.event.kind': 'analytics',
        'user.id': user,
        'session.id': `${user}-s`,
        'tc9.org.id': org,
        'url.path': '/projects',
      },
      EventName: name,
    });
    await t.store.insert('otel_logs', [
      event(old + 60_000, 'ann', 'org-1'),
      event(old + 120_000, 'bob', 'org-1'),
      event(old + 180_000, 'bob', 'org-2', 'login'),
    ]);
    for (const table of ['user_activity_days', 'org_session_days', 'activity_hour_sketches', 'page_view_hours'])
      await t.store.command(`OPTIMIZE TABLE ${table} FINAL`);
    const days = await t.store.query<Record<string, unknown>>('SELECT org_id, user_id, events FROM user_activity_days ORDER BY org_id');
    expect(days.map((r) => [r.org_id, r.user_id, Number(r.events)])).toEqual([
      ['org-1', '', 2],
      ['org-2', '', 1],
    ]);
    const sessions = await t.store.query<Record<string, unknown>>(
      'SELECT org_id, user_id, session_id FROM org_session_days ORDER BY org_id',
    );
    expect(sessions.map((r) => [r.org_id, r.user_id, r.session_id])).toEqual([
      ['org-1', '', ''],
      ['org-2', '', ''],
    ]);
    const [sketches] = await t.store.query<{ n: number }>(
      'SELECT (SELECT count() FROM activity_hour_sketches) + (SELECT count() FROM page_view_hours) AS n',
    );
    expect(Number(sketches!.n)).toBe(0);
  });
});
