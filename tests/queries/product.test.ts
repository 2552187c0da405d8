import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { findQuery, runQuery } from '../../src/queries/index.js';
import { DAY, TEST_RETENTION, generate, seed, type Dataset, type Event } from './fixture.js';
import { dayOf, groupBy, isoDate, quantile, uniq } from './stats.js';

type Row = Record<string, unknown>;

describe('product analytics queries on a seeded dataset', () => {
  let t: TestStore;
  let data: Dataset;
  let analytics: Event[];
  const run = (name: string, params?: Record<string, unknown>) =>
    runQuery<Row>(t.store, findQuery(name), { from: data.from, to: data.to, params });

  beforeAll(async () => {
    t = await createTestStore({ retention: TEST_RETENTION });
    data = generate(23);
    analytics = data.events.filter((e) => e.kind === 'analytics');
    await seed(t.store, data);
  });
  afterAll(async () => t?.drop());

  it('active_users: DAU, rolling WAU and MAU per day', async () => {
    const rows = await run('active_users');
    const daysOf = new Map<string, Set<number>>();
    for (const e of analytics) daysOf.set(e.user, (daysOf.get(e.user) ?? new Set()).add(dayOf(e.ts)));
    const activeWithin = (day: number, span: number) =>
      [...daysOf.values()].filter((days) => [...days].some((d) => d <= day && d > day - span)).length;
    const days = Array.from({ length: dayOf(data.to) - dayOf(data.from) + 1 }, (_, i) => dayOf(data.from) + i);
    const expected = days
      .map((d) => ({ time: `${isoDate(d)} 00:00:00`, dau: activeWithin(d, 1), wau: activeWithin(d, 7), mau: activeWithin(d, 30) }))
      .filter((r) => r.mau > 0);
    expect(rows).toEqual(expected);
    expect(Math.max(...expected.map((r) => r.dau))).toBeGreaterThan(5);
  });

  it('active_users_summary: users in the last 1, 7 and 30 days of the range', async () => {
    const [row] = await run('active_users_summary');
    const within = (ms: number) => uniq(analytics.filter((e) => e.ts > data.to - ms && e.ts <= data.to).map((e) => e.user));
    expect(row).toEqual({ dau: within(DAY), wau: within(7 * DAY), mau: within(30 * DAY) });
  });

  it('session_stats: duration and pages per session', async () => {
    const sessions = [
      ...groupBy(
        data.events.filter((e) => e.session),
        (e) => e.session,
      ).values(),
    ];
    const durations = sessions.map((s) => (Math.max(...s.map((e) => e.ts)) - Math.min(...s.map((e) => e.ts))) / 1000);
    const [row] = await run('session_stats');
    expect(row?.sessions).toBe(sessions.length);
    expect(row?.avg_duration_s).toBeCloseTo(durations.reduce((a, b) => a + b, 0) / sessions.length, 6);
    expect(row?.median_duration_s).toBeCloseTo(quantile(durations, 0.5), 6);
    const pages = sessions.map((s) => s.filter((e) => e.name === 'page.view').length);
    expect(row?.avg_pages_per_session).toBeCloseTo(pages.reduce((a, b) => a + b, 0) / sessions.length, 9);
    expect(row?.avg_actions_per_session).toBeCloseTo(
      sessions.reduce((n, s) => n + s.filter((e) => e.kind === 'analytics').length, 0) / sessions.length,
      9,
    );
  });

  it('feature_adoption: share of active users per feature', async () => {
    const active = uniq(analytics.map((e) => e.user));
    const uses = groupBy(
      analytics.filter((e) => e.name === 'feature.used'),
      (e) => e.attrs['tc9.feature.name']!,
    );
    const rows = await run('feature_adoption');
    expect(rows).toHaveLength(uses.size);
    for (const row of rows) {
      const events = uses.get(String(row.feature))!;
      expect(row).toMatchObject({ users: uniq(events.map((e) => e.user)), uses: events.length, active_users: active });
      expect(row.adoption_rate).toBeCloseTo(uniq(events.map((e) => e.user)) / active, 12);
    }
  });

  it('feature_adoption: users, uses and rate exact to the second on a range within one day and across partial days', async () => {
    const uses = analytics.filter((e) => e.name === 'feature.used').sort((a, b) => a.ts - b.ts);
    // Bounds in whole seconds ($__fromTime/$__toTime are seconds); an event counts when from <= ts <= to.
    const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
    const busiest = [...groupBy(uses, (e) => String(dayOf(e.ts))).values()].sort((a, b) => b.length - a.length)[0]!;
    const one = busiest[Math.floor(busiest.length / 2)]!;
    const ranges: Array<[string, number, number]> = [
      // One minute around a use: whole-day counts would report every user and use of that day.
      ['one minute', sec(one.ts - 30_000), sec(one.ts + 30_000)],
      ['three hours of one day', sec(busiest[0]!.ts + 1000), sec(busiest[0]!.ts + 3 * 3_600_000)],
      // First and last day partial (13:07:05 of day 3 to 09:41:17 of day 9), whole days between.
      ['partial first and last day', data.from + 3 * DAY + 47_225_000, data.from + 9 * DAY + 34_877_000],
    ];
    for (const [label, from, to] of ranges) {
      const inRange = (e: Event) => e.ts >= from && e.ts <= to;
      const active = uniq(analytics.filter(inRange).map((e) => e.user));
      const byFeature = groupBy(uses.filter(inRange), (e) => e.attrs['tc9.feature.name']!);
      // A range of partial days needs edge events that whole-day counts would get wrong.
      const wholeDays = uses.filter((e) => dayOf(e.ts) >= dayOf(from) && dayOf(e.ts) <= dayOf(to));
      expect(wholeDays.length, label).toBeGreaterThan(uses.filter(inRange).length);
      expect(byFeature.size, label).toBeGreaterThan(0);
      const rows = await runQuery<Row>(t.store, findQuery('feature_adoption'), { from, to });
      const expected = [...byFeature].map(([feature, events]) => ({
        feature,
        users: uniq(events.map((e) => e.user)),
        uses: events.length,
        active_users: active,
        adoption_rate: uniq(events.map((e) => e.user)) / active,
        avg_duration_ms: events.reduce((n, e) => n + Number(e.attrs['tc9.duration_ms']), 0) / events.length,
      }));
      const sorted = (list: Row[]) => [...list].sort((a, b) => String(a.feature).localeCompare(String(b.feature)));
      expect(
        sorted(rows).map((r) => ({ ...r, adoption_rate: Number(r.adoption_rate), avg_duration_ms: Number(r.avg_duration_ms) })),
        label,
      ).toEqual(sorted(expected));
      for (const row of rows) expect(Number(row.adoption_rate), label).toBeLessThanOrEqual(1);
      expect(
        rows.map((r) => Number(r.users)),
        label,
      ).toEqual([...rows.map((r) => Number(r.users))].sort((a, b) => b - a));
    }
  });

  it('funnel: users per step and drop-off, in order, within the window', async () => {
    const steps = ['signup.started', 'signup.details', 'signup.completed'];
    const window = 3_600_000;
    // A user's level: the longest ordered chain from any first-step event, each later step after the
    // previous one and within the window of the first.
    const levels = [
      ...groupBy(
        analytics.filter((e) => steps.includes(e.name)),
        (e) => e.user,
      ).values(),
    ].map((events) => {
      let best = 0;
      for (const start of events.filter((e) => e.name === steps[0])) {
        let level = 1;
        let last = start.ts;
        for (const step of steps.slice(1)) {
          const next = events.find((e) => e.name === step && e.ts > last && e.ts <= start.ts + window);
          if (!next) break;
          level++;
          last = next.ts;
        }
        best = Math.max(best, level);
      }
      return best;
    });
    const reached = steps.map((_, i) => levels.filter((l) => l >= i + 1).length);
    const rows = await run('funnel', { steps, window_s: window / 1000 });
    expect(rows.map((r) => [r.step, r.event, r.users, r.drop_off])).toEqual(
      steps.map((s, i) => [i + 1, s, reached[i], (i === 0 ? reached[0]! : reached[i - 1]!) - reached[i]!]),
    );
    expect(rows[2]?.conversion).toBeCloseTo(reached[2]! / reached[0]!, 12);
    expect(reached[0]).toBeGreaterThan(reached[1]!);
    expect(reached[1]).toBeGreaterThan(reached[2]!);
  });

  it('top_paths: next-step counts within sessions', async () => {
    const transitions = new Map<string, { n: number; sessions: Set<string> }>();
    for (const [session, events] of groupBy(
      analytics.filter((e) => e.session),
      (e) => e.session,
    )) {
      const path = events.map((e) => (e.name === 'page.view' ? e.attrs['url.path']! : e.name));
      for (let i = 1; i < path.length; i++) {
        const key = `${path[i - 1]}\u0000${path[i]}`;
        const entry = transitions.get(key) ?? { n: 0, sessions: new Set() };
        entry.n++;
        entry.sessions.add(session);
        transitions.set(key, entry);
      }
    }
    const expected = [...transitions.entries()]
      .map(([key, v]) => ({
        from_step: key.split('\u0000')[0]!,
        to_step: key.split('\u0000')[1]!,
        transitions: v.n,
        sessions: v.sessions.size,
      }))
      .sort(
        (a, b) =>
          b.transitions - a.transitions ||
          (a.from_step < b.from_step ? -1 : a.from_step > b.from_step ? 1 : a.to_step < b.to_step ? -1 : 1),
      );
    const rows = await run('top_paths', { limit: 5 });
    expect(rows.map(({ share: _share, ...r }) => r)).toEqual(expected.slice(0, 5));
    const fromRoot = expected.filter((e) => e.from_step === '/');
    const rootRows = await run('top_paths', { from_step: '/', limit: 1000 });
    expect(rootRows).toHaveLength(fromRoot.length);
    const total = fromRoot.reduce((n, e) => n + e.transitions, 0);
    for (const row of rootRows) expect(row.share).toBeCloseTo(Number(row.transitions) / total, 12);
  });

  it('retention_cohorts: weekly cohorts by first activity and retention per week since', async () => {
    const firstDayOf = new Map<string, number>();
    const activeDays = new Map<string, Set<number>>();
    for (const e of analytics) {
      const d = dayOf(e.ts);
      firstDayOf.set(e.user, Math.min(firstDayOf.get(e.user) ?? d, d));
      activeDays.set(e.user, (activeDays.get(e.user) ?? new Set()).add(d));
    }
    const start = dayOf(data.from);
    const cohortOf = (user: string) => start + Math.floor((firstDayOf.get(user)! - start) / 7) * 7;
    const expected = new Map<string, Set<string>>();
    for (const [user, days] of activeDays) {
      for (const d of days) {
        const period = Math.floor((d - firstDayOf.get(user)!) / 7);
        if (period < 3) expected.set(`${cohortOf(user)}|${period}`, (expected.get(`${cohortOf(user)}|${period}`) ?? new Set()).add(user));
      }
    }
    const sizes = groupBy([...firstDayOf.keys()], (user) => String(cohortOf(user)));
    const rows = await run('retention_cohorts', { period_days: 7, periods: 3 });
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const cohort = dayOf(Date.parse(`${String(row.cohort)}T00:00:00Z`));
      const retained = expected.get(`${cohort}|${row.period}`)!;
      expect(row.cohort_users).toBe(sizes.get(String(cohort))!.length);
      expect(row.retained_users).toBe(retained.size);
      expect(row.retention_rate).toBeCloseTo(retained.size / sizes.get(String(cohort))!.length, 12);
    }
    expect(rows.filter((r) => r.period === 0).every((r) => r.retained_users === r.cohort_users)).toBe(true);
  });

  it('experiment_conversion: first exposure decides the variant, only later conversions count', async () => {
    const exposures = groupBy(
      analytics.filter((e) => e.name === 'experiment.exposure' && e.attrs['tc9.experiment.key'] === 'new-onboarding'),
      (e) => e.user,
    );
    const perVariant = new Map<string, { users: number; converted: number }>();
    for (const [user, events] of exposures) {
      const first = events.reduce((a, b) => (b.ts < a.ts ? b : a));
      const variant = first.attrs['tc9.experiment.variant']!;
      const converted = analytics.some((e) => e.user === user && e.name === 'signup.completed' && e.ts >= first.ts);
      const v = perVariant.get(variant) ?? { users: 0, converted: 0 };
      perVariant.set(variant, { users: v.users + 1, converted: v.converted + (converted ? 1 : 0) });
    }
    const rows = await run('experiment_conversion', { experiment: 'new-onboarding', conversion_event: 'signup.completed' });
    expect(rows).toEqual(
      [...perVariant.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([variant, v]) => ({ variant, ...v, conversion_rate: v.converted / v.users })),
    );
  });
});
