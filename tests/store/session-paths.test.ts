import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { defaultSchemaDir, migrate } from '../../src/store/migrate.js';
import { expandMacros } from '../../src/queries/macros.js';
import { findQuery, runQuery } from '../../src/queries/index.js';
import { seededRandom } from '../../examples/migration-service/run/random.js';

// top_paths on session_paths/path_steps (clickhouse/029) against the raw-event SQL it replaced, on a seeded
// scenario written in three inserts: the first before the file exists (its backfill), the others through the
// views, so one session's steps sit in several rows and parts, and sessions cross hours, days and range bounds.
const H = 3_600_000;
const DAY = 24 * H;
const T0 = Math.floor(Date.now() / DAY) * DAY - 4 * DAY;
const dt = (ms: number) => `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1e6).padStart(9, '0')}`;
const NAMES = ['page.view', 'page.view', 'page.view', 'page.view', 'login', 'feature.used', 'migration.created', 'migration.executed'];
const PATHS = ['/dashboard', '/projects', '/runs/:id', '/settings', ''];

// The named query's SQL before session_paths: every event of the range grouped by session (buckets = 16),
// or the sessions of the first hash buckets only, as a sample reads them.
const RAW_TOP_PATHS = `
SELECT from_step, to_step, sum(occurrences) AS transitions, count() AS sessions,
    transitions / sum(transitions) OVER (PARTITION BY from_step) AS share
FROM (
    SELECT arraySort(e -> e.1, groupArray((created_at, step))).2 AS path,
        arrayZip(arrayPopBack(path), arrayPopFront(path)) AS steps
    FROM (
        SELECT session_id, created_at, if(action = 'page.view' AND url_path != '', url_path, action) AS step
        FROM user_activities
        WHERE $__timeFilter(created_at) AND session_id != '' AND cityHash64(session_id) % 16 < {buckets:UInt8}
    )
    GROUP BY session_id
)
ARRAY JOIN arrayDistinct(steps) AS transition, arrayMap(t -> countEqual(steps, t), arrayDistinct(steps)) AS occurrences
WHERE {from_step:String} = '' OR transition.1 = {from_step:String}
GROUP BY transition.1 AS from_step, transition.2 AS to_step
ORDER BY transitions DESC, from_step, to_step
LIMIT {limit:UInt32}`;

const RANGES: Array<[number, number]> = [
  [T0, T0 + 4 * DAY],
  [T0 + DAY, T0 + 2 * DAY],
  [T0 + DAY - 1000, T0 + 2 * DAY + 1000],
  [T0 + 5 * H + 17_000, T0 + 3 * DAY + 2 * H],
  [T0 + 2 * DAY + H, T0 + 2 * DAY + 9 * H + 1000],
  [T0 + 2 * H, T0 + 2 * H + 30 * 60_000],
];
const BOUNDS = RANGES.flat();

function scenario() {
  const random = seededRandom(29);
  const events = [];
  const used = new Set<number>();
  for (let i = 0; i < 1500; i++) {
    const user = random() < 0.05 ? '' : `user-${Math.floor(random() * 25)}`;
    // Some on the range bounds or a millisecond either side, the others anywhere in four days; all at
    // distinct instants, as the raw SQL leaves the order of a session's simultaneous events open.
    let ms =
      random() < 0.15
        ? BOUNDS[Math.floor(random() * BOUNDS.length)]! + Math.floor(random() * 3) - 1
        : T0 + Math.floor(random() * 4 * 86_400_000);
    while (used.has(ms)) ms++;
    used.add(ms);
    const name = NAMES[Math.floor(random() * NAMES.length)]!;
    // Sessions of 7 h: they span hours, days and the inserts; a few events have no session, some a session but no user.
    const session = random() < 0.03 ? '' : `${user || 'anon'}-s${Math.floor(ms / (7 * H))}`;
    events.push({
      Timestamp: dt(ms),
      ServiceName: 'web',
      LogAttributes: {
        'tc9.event.kind': 'analytics',
        'user.id': user,
        'session.id': session,
        'url.path': name === 'page.view' ? PATHS[Math.floor(random() * PATHS.length)]! : '',
      },
      EventName: name,
    });
  }
  return events;
}

describe('top_paths on session_paths and path_steps', () => {
  let t: TestStore;
  const raw = (range: [number, number], params: { from_step: string; limit: number }, buckets = 16) =>
    t.store.query<Record<string, unknown>>(expandMacros(RAW_TOP_PATHS, { from: range[0], to: range[1], intervalMs: 60_000 }), {
      ...params,
      buckets,
    });

  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
    const before = mkdtempSync(join(tmpdir(), 'tc9-schema-'));
    for (const file of readdirSync(defaultSchemaDir()).filter((f) => f < '029_session_paths.sql'))
      cpSync(join(defaultSchemaDir(), file), join(before, file));
    await migrate(t.store, { schemaDir: before });
    const events = scenario();
    await t.store.insert('otel_logs', events.slice(0, 500));
    const result = await migrate(t.store);
    expect(result.applied.map((m) => m.name)).toContain('session_paths');
    await t.store.insert('otel_logs', events.slice(500, 1000));
    await t.store.insert('otel_logs', events.slice(1000));
  });
  afterAll(async () => t?.drop());

  it('holds sessions in several rows, some crossing days', async () => {
    const [row] = await t.store.query<Record<string, unknown>>(
      `SELECT (SELECT count() FROM session_paths) AS path_rows, (SELECT uniqExact(session_id) FROM session_paths) AS sessions,
              (SELECT countIf(days > 1) FROM (SELECT uniqExact(day) AS days FROM session_paths GROUP BY session_id)) AS crossing_days,
              (SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'session_paths' AND active) AS parts`,
    );
    expect(Number(row!.path_rows)).toBeGreaterThan(Number(row!.sessions));
    expect(Number(row!.crossing_days)).toBeGreaterThan(0);
    expect(Number(row!.parts)).toBeGreaterThan(1);
  });

  it('gives the transitions, sessions and shares of the raw-event SQL, to the second', async () => {
    for (const range of RANGES) {
      for (const params of [
        { from_step: '', limit: 1000 },
        { from_step: '', limit: 7 },
        { from_step: '/projects', limit: 1000 },
        { from_step: 'login', limit: 3 },
        { from_step: 'no.such.step', limit: 10 },
      ]) {
        const rows = await runQuery<Record<string, unknown>>(t.store, findQuery('top_paths'), { from: range[0], to: range[1], params });
        const expected = await raw(range, params);
        const label = `${range[0] - T0}..${range[1] - T0} ${JSON.stringify(params)}`;
        expect(
          rows.map(({ share: _s, ...r }) => r),
          label,
        ).toEqual(expected.map(({ share: _s, ...r }) => r));
        rows.forEach((r, i) => {
          expect(Number(r.share), label).toBeCloseTo(Number(expected[i]!.share), 12);
        });
        if (params.limit === 1000 && params.from_step === '' && range[1] - range[0] >= DAY) expect(rows.length, label).toBeGreaterThan(20);
      }
    }
  });

  it('reads a hash sample of the sessions above sample_above session-days, counts scaled by the buckets read', async () => {
    for (const range of RANGES.slice(0, 4)) {
      const days = { from: range[0], to: range[1], intervalMs: 60_000 };
      const [row] = await t.store.query<{ n: number }>(
        expandMacros('SELECT count() AS n FROM session_paths WHERE day >= toDate($__fromTime) AND day <= toDate($__toTime)', days),
      );
      const sessionDays = Number(row!.n);
      for (const sampleAbove of [Math.floor(sessionDays / 5), Math.floor(sessionDays / 2), sessionDays]) {
        const buckets = Math.min(16, Math.ceil((16 * sampleAbove) / sessionDays));
        const params = { from_step: '', limit: 1000 };
        const rows = await runQuery<Record<string, unknown>>(t.store, findQuery('top_paths'), {
          from: range[0],
          to: range[1],
          params: { ...params, sample_above: sampleAbove },
        });
        const expected = await raw(range, params, buckets);
        const label = `${range[0] - T0}..${range[1] - T0} ${sampleAbove} of ${sessionDays}: ${buckets} buckets`;
        expect(rows.length, label).toBeGreaterThan(0);
        expect(
          rows.map((r) => [r.from_step, r.to_step, Number(r.transitions), Number(r.sessions)]),
          label,
        ).toEqual(
          expected.map((r) => [
            r.from_step,
            r.to_step,
            Math.round((Number(r.transitions) * 16) / buckets),
            Math.round((Number(r.sessions) * 16) / buckets),
          ]),
        );
        // A sample is not the whole: some count differs from the exact answer.
        if (buckets < 16)
          expect(rows, label).not.toEqual(await runQuery(t.store, findQuery('top_paths'), { from: range[0], to: range[1], params }));
      }
    }
  });
});
