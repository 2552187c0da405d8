import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { defaultSchemaDir, migrate } from '../../src/store/migrate.js';
import { expandMacros } from '../../src/queries/macros.js';
import { VARIABLE_SQL } from '../../src/dashboards/sql/variables.js';

// service_environments (clickhouse/021) feeds the $service and $environment variables: rows written
// before the file was applied come from its backfill, later ones from the views; both exact to the second.
// Recent, so no retention TTL drops the rows; on a whole minute, so the offsets below fall as described.
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const dt = (ms: number) => `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1e6).padStart(9, '0')}`;
const span = (ms: number, service: string, env: string) => ({
  Timestamp: dt(ms),
  ServiceName: service,
  ResourceAttributes: { 'deployment.environment.name': env },
});

describe('service_environments', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
  });
  afterAll(async () => t?.drop());

  const names = async (sql: string, fromMs: number, toMs: number) =>
    (await t.store.query<{ name: string }>(expandMacros(sql, { from: fromMs, to: toMs }))).map((r) => r.name);

  it('backfills rows written before the migration and keeps the views filling it', async () => {
    const before = mkdtempSync(join(tmpdir(), 'tc9-schema-'));
    for (const file of readdirSync(defaultSchemaDir()).filter((f) => /^0[01]\d_|^020_/.test(f)))
      cpSync(join(defaultSchemaDir(), file), join(before, file));
    await migrate(t.store, { schemaDir: before });
    await t.store.insert('otel_traces', [span(T0, 'api', 'production'), span(T0 + 90_000, 'api', 'staging')]);
    await t.store.insert('otel_logs', [{ ...span(T0 + 30_000, 'web', 'preview'), LogAttributes: {} }]);

    const result = await migrate(t.store);
    expect(result.applied.map((m) => m.name)).toContain('service_environments');
    expect(await names(VARIABLE_SQL.services, T0 - 60_000, T0 + 3_600_000)).toEqual(['api', 'web']);
    expect(await names(VARIABLE_SQL.environments, T0 - 60_000, T0 + 3_600_000)).toEqual(['preview', 'production', 'staging']);

    await t.store.insert('otel_traces', [span(T0 + 600_000, 'worker', 'test')]);
    await t.store.insert('otel_logs', [{ ...span(T0 + 660_000, 'worker', 'qa'), LogAttributes: {} }]);
    expect(await names(VARIABLE_SQL.services, T0 - 60_000, T0 + 3_600_000)).toEqual(['api', 'web', 'worker']);
    expect(await names(VARIABLE_SQL.environments, T0 - 60_000, T0 + 3_600_000)).toEqual(['preview', 'production', 'qa', 'staging', 'test']);
  });

  it('lists only names seen inside the range, to the second, as $__timeFilter(Timestamp) did', async () => {
    // From T0 + 31 s: the rows at T0 (same minute) and T0 + 30 s are before it; T0 + 90 s is inside.
    expect(await names(VARIABLE_SQL.environments, T0 + 31_000, T0 + 120_000)).toEqual(['staging']);
    // To T0 + 30 s: T0 + 30 s is included (<=), T0 + 90 s is not.
    expect(await names(VARIABLE_SQL.environments, T0, T0 + 30_000)).toEqual(['preview', 'production']);
    expect(await names(VARIABLE_SQL.services, T0 + 120_000, T0 + 500_000)).toEqual([]);
  });
});
