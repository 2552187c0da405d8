import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { defaultSchemaDir, loadMigrations, migrate, planMigrations } from '../../src/store/migrate.js';
import { DEFAULT_RETENTION } from '../../src/store/retention.js';

const EXPECTED_TABLES = [
  'schema_migrations',
  'otel_traces',
  'otel_traces_trace_id_ts',
  'otel_logs',
  'otel_metrics_gauge',
  'otel_metrics_sum',
  'otel_metrics_histogram',
  'otel_metrics_exponential_histogram',
  'otel_metrics_summary',
  'user_activities',
  'application_errors',
  'feature_usage',
  'performance_metrics',
  'sessions',
  'migration_runs',
  'migration_phases',
  'gdpr_audit',
];

describe('migrate on chDB', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
  });
  afterAll(async () => t?.drop());

  it('creates every table and records every file', async () => {
    const first = await migrate(t.store);
    const files = loadMigrations();
    expect(first.applied.map((m) => m.version)).toEqual(files.map((m) => m.version));
    const tables = await t.store.query<{ name: string; engine: string }>(
      'SELECT name, engine FROM system.tables WHERE database = currentDatabase()',
    );
    const names = tables.map((r) => r.name);
    for (const table of EXPECTED_TABLES) expect(names).toContain(table);
    const recorded = await t.store.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations FINAL ORDER BY version',
    );
    expect(recorded.map((r) => [r.version, r.name, r.checksum])).toEqual(files.map((m) => [m.version, m.name, m.checksum]));
  });

  it('changes nothing when run again', async () => {
    const before = await t.store.query(
      'SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name',
    );
    const again = await migrate(t.store);
    expect(again.applied).toEqual([]);
    expect(again.unchanged.length).toBe(loadMigrations().length);
    const after = await t.store.query(
      'SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name',
    );
    expect(after).toEqual(before);
    const rows = await t.store.query<{ n: number }>('SELECT count() AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(loadMigrations().length);
  });

  it('puts the configured retention into the tables', async () => {
    const rows = await t.store.query<{ q: string }>(
      "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'user_activities'",
    );
    expect(rows[0]?.q).toContain(`toIntervalDay(${DEFAULT_RETENTION.analyticsDataDays})`);
    expect(rows[0]?.q).toContain(`toIntervalDay(${DEFAULT_RETENTION.userDataAnonymizationDays})`);
  });

  it('refuses retention that deletes before it anonymises', () => {
    expect(() =>
      planMigrations(loadMigrations(), {
        database: 'otel',
        retention: { ...DEFAULT_RETENTION, userDataAnonymizationDays: 800 },
      }),
    ).toThrow(/userDataAnonymizationDays/);
  });

  it('refuses a schema file edited after it was applied, and applies a new numbered one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc9-schema-'));
    cpSync(defaultSchemaDir(), dir, { recursive: true });
    appendFileSync(
      join(dir, '999_extra.sql'),
      'CREATE TABLE IF NOT EXISTS {{db}}.extra{{local}} {{on_cluster}} (x UInt8) ENGINE = {{engine}} ORDER BY x;\n',
    );
    const added = await migrate(t.store, { schemaDir: dir });
    expect(added.applied).toEqual([{ version: 999, name: 'extra' }]);
    appendFileSync(join(dir, '010_user_activities.sql'), '\n-- edited\n');
    await expect(migrate(t.store, { schemaDir: dir })).rejects.toThrow(/010_user_activities\.sql changed after it was applied/);
  });
});
