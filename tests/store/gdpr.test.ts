import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { USER_DATA, deleteUser, exportUser } from '../../src/store/gdpr.js';

const now = Math.floor(Date.now() / 1000) - 3600;
const ts = (offset: number) => `${now + offset}.000000000`;

function event(user: string, offset: number, name: string, kind: string, attrs: Record<string, string> = {}) {
  return {
    Timestamp: ts(offset),
    ServiceName: 'app',
    ResourceAttributes: { 'service.name': 'app', 'service.version': '2.0.0' },
    LogAttributes: { 'tc9.event.kind': kind, 'user.id': user, 'session.id': `${user}-s1`, ...attrs },
    EventName: name,
  };
}

function seedRows(user: string, base: number) {
  return {
    logs: [
      event(user, base, 'page.view', 'analytics', { 'url.path': '/' }),
      event(user, base + 1, 'feature.used', 'analytics', { 'tc9.feature.name': 'export' }),
      event(user, base + 2, 'tc9.error', 'error', { 'tc9.error.fingerprint': 'fp', 'exception.message': 'x' }),
      event(user, base + 3, 'tc9.performance', 'performance', { 'tc9.metric.name': 'page', 'tc9.duration_ms': '120' }),
    ],
    traces: [
      {
        Timestamp: ts(base),
        TraceId: `${user}-t`,
        SpanId: `${user}-r`,
        SpanName: 'migration.run',
        SpanKind: 'Internal',
        ServiceName: 'worker',
        Duration: 5e9,
        StatusCode: 'Ok',
        SpanAttributes: { 'user.id': user, 'tc9.migration.template': 'accounts' },
      },
      {
        Timestamp: ts(base),
        TraceId: `${user}-t2`,
        SpanId: `${user}-h`,
        SpanName: 'GET /',
        SpanKind: 'Server',
        ServiceName: 'api',
        Duration: 1e6,
        StatusCode: 'Unset',
        SpanAttributes: { 'user.id': user },
      },
    ],
    sums: [
      {
        ServiceName: 'api',
        MetricName: 'logins',
        Attributes: { 'user.id': user },
        TimeUnix: ts(base),
        StartTimeUnix: ts(base - 60),
        Value: 1,
        AggregationTemporality: 1,
        IsMonotonic: true,
      },
    ],
  };
}

describe('GDPR export and deletion', () => {
  let t: TestStore;
  const counts = async (user: string) => {
    const out: Record<string, number> = {};
    for (const { table, where } of USER_DATA) {
      const [row] = await t.store.query<{ n: number }>(`SELECT count() AS n FROM ${table} WHERE ${where}`, { user });
      out[table] = row?.n ?? 0;
    }
    return out;
  };

  beforeAll(async () => {
    t = await createTestStore();
    for (const [user, base] of [
      ['alice', 0],
      ['bob', 100],
    ] as const) {
      const rows = seedRows(user, base);
      await t.store.insert('otel_logs', rows.logs);
      await t.store.insert('otel_traces', rows.traces);
      await t.store.insert('otel_metrics_sum', rows.sums);
    }
  });
  afterAll(async () => t?.drop());

  it('exports every row held for the user and only theirs, and deletion removes exactly those', async () => {
    const aliceBefore = await counts('alice');
    const bobBefore = await counts('bob');
    // Every kind of table that can hold user data is populated, materialized targets included.
    for (const table of [
      'otel_logs',
      'otel_traces',
      'otel_metrics_sum',
      'user_activities',
      'user_activity_days',
      'org_session_days',
      'session_paths',
      'application_errors',
      'feature_usage',
      'performance_metrics',
      'sessions',
      'migration_runs',
    ]) {
      expect(aliceBefore[table], table).toBeGreaterThan(0);
    }

    const exported = await exportUser(t.store, 'alice', 'dpo@example.com');
    for (const { table } of USER_DATA) expect(exported.tables[table], table).toHaveLength(aliceBefore[table]!);
    expect(JSON.stringify(exported.tables)).not.toContain('bob');

    const deleted = await deleteUser(t.store, 'alice', 'dpo@example.com');
    expect(deleted.rowCounts).toEqual(aliceBefore);
    expect(deleted.totalRows).toBe(Object.values(aliceBefore).reduce((a, b) => a + b, 0));

    expect(Object.values(await counts('alice')).every((n) => n === 0)).toBe(true);
    expect(await counts('bob')).toEqual(bobBefore);
    // Nothing of alice left anywhere in the analytics tables, whatever the column.
    for (const table of [
      'user_activities',
      'user_activity_days',
      'org_session_days',
      'session_paths',
      'application_errors',
      'sessions',
      'migration_runs',
      'feature_usage',
      'performance_metrics',
    ]) {
      const [row] = await t.store.query<{ n: number }>(`SELECT count() AS n FROM ${table} WHERE position(toString(tuple(*)), 'alice') > 0`);
      expect(row?.n, table).toBe(0);
    }
  });

  it('records both actions in the audit table with a hashed id', async () => {
    const rows = await t.store.query<{
      action: string;
      user_hash: string;
      actor: string;
      total_rows: number;
      row_counts: Record<string, number>;
    }>('SELECT action, user_hash, actor, total_rows, row_counts FROM gdpr_audit ORDER BY at, action DESC');
    const hash = createHash('sha256').update('alice').digest('hex');
    expect(rows.map((r) => [r.action, r.user_hash, r.actor])).toEqual([
      ['export', hash, 'dpo@example.com'],
      ['delete', hash, 'dpo@example.com'],
    ]);
    expect(rows[1]?.total_rows).toBeGreaterThan(0);
    expect(rows[1]?.row_counts.user_activities).toBe(2);
    expect(JSON.stringify(rows)).not.toContain('alice');
  });

  it('refuses an empty user id', async () => {
    await expect(deleteUser(t.store, ' ', 'x')).rejects.toThrow(/non-empty user id/);
  });
});
