import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '../helpers/chdb.js';
import { expandStatements } from '../../src/store/ddl.js';
import { defaultSchemaDir, loadMigrations, planMigrations } from '../../src/store/migrate.js';
import { DEFAULT_RETENTION } from '../../src/store/retention.js';

// chDB cannot run a cluster: the cluster variant is checked as text and parsed by the real ClickHouse
// parser (formatQuery), while the single-node variant runs for real in migrate.test.ts.
describe('cluster variant of the schema', () => {
  let t: TestStore;
  const ctx = { database: 'otel', cluster: 'tc9_cluster', retention: DEFAULT_RETENTION };
  const plan = planMigrations(loadMigrations(), ctx);
  const statements = plan.flatMap((p) => p.statements);

  beforeAll(async () => {
    t = await createTestStore({ migrate: false });
  });
  afterAll(async () => t?.drop());

  it('parses with the ClickHouse parser and leaves no placeholder behind', async () => {
    for (const sql of statements) {
      expect(sql).not.toMatch(/\{\{|\}\}/);
      const [row] = await t.store.query<{ f: string }>('SELECT formatQuery({sql:String}) AS f', { sql });
      expect(row?.f.length).toBeGreaterThan(0);
    }
  });

  it('creates every owned table on the cluster as a replicated <name>_local table', () => {
    const creates = statements.filter((s) => /^CREATE TABLE/.test(s) && !/ENGINE = Distributed/.test(s));
    expect(creates.length).toBeGreaterThan(10);
    for (const sql of creates) {
      expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS `otel`\.\w+_local ON CLUSTER `tc9_cluster`/);
      expect(sql).toMatch(
        /ENGINE = Replicated(Aggregating|Replacing)?MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'/,
      );
    }
  });

  it('puts a Distributed table under each public name, over the local table', () => {
    const locals = [...statements.join('\n').matchAll(/CREATE TABLE IF NOT EXISTS `otel`\.(\w+)_local ON CLUSTER/g)].map((m) => m[1]);
    for (const name of locals) {
      const dist = statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS \`otel\`.\`${name}\` ON CLUSTER \`tc9_cluster\``));
      expect(dist, name).toBeDefined();
      expect(dist).toContain(`AS \`otel\`.\`${name}_local\``);
      expect(dist).toContain(`ENGINE = Distributed('tc9_cluster', 'otel', '${name}_local',`);
    }
  });

  it('has materialized views read and write local tables only', () => {
    const views = statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views.length).toBeGreaterThanOrEqual(8);
    for (const sql of views) {
      expect(sql).toMatch(/ON CLUSTER `tc9_cluster`/);
      expect(sql).toMatch(/TO `otel`\.\w+_local/);
      expect(sql).toMatch(/FROM `otel`\.\w+_local/);
    }
  });

  it('expands the single-node variant without cluster artefacts', () => {
    const single = planMigrations(loadMigrations(), { database: 'otel', retention: DEFAULT_RETENTION }).flatMap((p) => p.statements);
    const text = single.join('\n');
    expect(text).not.toMatch(/ON CLUSTER|_local|Replicated|Distributed/);
  });

  it('renders the users files with escaped passwords, on the cluster', async () => {
    const dir = join(defaultSchemaDir(), 'users');
    const users = { writer: { name: 'tc9_writer', password: "pa'ss\\word" }, reader: { name: 'tc9_reader', password: 'r3ad' } };
    for (const file of readdirSync(dir).sort()) {
      for (const sql of expandStatements(readFileSync(join(dir, file), 'utf8'), { ...ctx, users })) {
        const [row] = await t.store.query<{ f: string }>('SELECT formatQuery({sql:String}) AS f', { sql });
        expect(row?.f).toMatch(/ON CLUSTER tc9_cluster/);
        if (/IDENTIFIED/.test(sql)) expect(sql).toMatch(/BY '(pa\\'ss\\\\word|r3ad)'/);
      }
    }
  });
});
