/**
 * db/schema.sql is what the service applies; prisma/schema.prisma is what the Prisma client believes. The
 * migration engine is not available offline, so nothing generates one from the other: this test applies the SQL
 * to a fresh database and checks, through the catalogs, that every Prisma model, field, enum, relation and
 * unique constraint has its counterpart with a compatible type, and that the SQL has nothing Prisma lacks.
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySchema } from '../../examples/migration-service/db/apply-schema.js';
import { createTestDatabase } from '../helpers/postgres.js';

const PRISMA_SCHEMA = new URL('../../examples/migration-service/prisma/schema.prisma', import.meta.url);

interface PrismaField {
  name: string;
  column: string;
  type: string;
  list: boolean;
  optional: boolean;
  nativeType: string | undefined;
  hasDefault: boolean;
  isId: boolean;
  relation: { fields: string[]; references: string[]; onDelete: string | undefined } | undefined;
}
interface PrismaModel {
  name: string;
  table: string;
  fields: PrismaField[];
  uniques: string[][];
}
interface PrismaEnum {
  name: string;
  dbName: string;
  values: string[];
}

/** Just enough of the Prisma schema language for our schema: models, enums, @map/@@map, @db.*, @relation. */
function parsePrismaSchema(text: string): { models: PrismaModel[]; enums: PrismaEnum[] } {
  const withoutComments = text.replace(/\/\/.*$/gm, '');
  const blocks = [...withoutComments.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const enums = blocks
    .filter(([, kind]) => kind === 'enum')
    .map(([, , name, body]) => {
      const lines = body!
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      return {
        name: name!,
        dbName: /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? name!,
        values: lines.filter((l) => /^\w+$/.test(l)),
      };
    });
  const enumNames = new Set(enums.map((e) => e.name));
  const modelNames = new Set(blocks.filter(([, kind]) => kind === 'model').map(([, , name]) => name!));
  const list = (s: string | undefined) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const models = blocks
    .filter(([, kind]) => kind === 'model')
    .map(([, , name, body]) => {
      const lines = body!
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const fields: PrismaField[] = [];
      for (const line of lines.filter((l) => !l.startsWith('@@'))) {
        const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
        if (!m) throw new Error(`unparsed field line: ${line}`);
        const [, fieldName, type, isList, isOptional, attrs = ''] = m;
        const relation = /@relation\(([^)]*)\)/.exec(attrs)?.[1];
        fields.push({
          name: fieldName!,
          column: /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? fieldName!,
          type: type!,
          list: isList !== undefined,
          optional: isOptional !== undefined,
          nativeType: /@db\.(\w+(?:\([^)]*\))?)/.exec(attrs)?.[1],
          hasDefault: attrs.includes('@default('),
          isId: /@id\b/.test(attrs),
          relation:
            modelNames.has(type!) && relation?.includes('fields:')
              ? {
                  fields: list(/fields:\s*\[([^\]]*)\]/.exec(relation)?.[1]),
                  references: list(/references:\s*\[([^\]]*)\]/.exec(relation)?.[1]),
                  onDelete: /onDelete:\s*(\w+)/.exec(relation)?.[1],
                }
              : undefined,
        });
      }
      const uniques = [...body!.matchAll(/@@unique\(\[([^\]]*)\]/g)].map(([, f]) => list(f));
      return { name: name!, table: /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? name!, fields, uniques };
    });
  // Fields whose type is neither scalar, enum nor model would be a typo; fail loudly rather than skip them.
  const scalars = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes']);
  for (const model of models) {
    for (const f of model.fields) {
      if (!scalars.has(f.type) && !enumNames.has(f.type) && !modelNames.has(f.type)) throw new Error(`unknown type ${f.type}`);
    }
  }
  return { models, enums };
}

interface Column {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
  character_maximum_length: number | null;
  datetime_precision: number | null;
}

/** The Postgres column a Prisma scalar field needs (data_type, plus length or precision where @db says so). */
function expectedColumnType(field: PrismaField, enums: PrismaEnum[]): Partial<Column> {
  const enumType = enums.find((e) => e.name === field.type);
  if (enumType) return { data_type: 'USER-DEFINED', udt_name: enumType.dbName };
  const native = field.nativeType;
  const arg = native ? Number(/\((\d+)\)/.exec(native)?.[1]) : NaN;
  switch (field.type) {
    case 'String':
      if (native === 'Uuid') return { data_type: 'uuid' };
      if (native?.startsWith('VarChar')) return { data_type: 'character varying', character_maximum_length: arg };
      return { data_type: 'text' };
    case 'Int':
      return { data_type: 'integer' };
    case 'BigInt':
      return { data_type: 'bigint' };
    case 'Float':
      return { data_type: 'double precision' };
    case 'Boolean':
      return { data_type: 'boolean' };
    case 'Json':
      return { data_type: 'jsonb' };
    case 'DateTime':
      if (native?.startsWith('Timestamptz'))
        return { data_type: 'timestamp with time zone', datetime_precision: Number.isNaN(arg) ? 6 : arg };
      return { data_type: 'timestamp without time zone', datetime_precision: 3 };
    default:
      throw new Error(`no mapping for Prisma type ${field.type}`);
  }
}

describe('migration service: db/schema.sql and prisma/schema.prisma agree', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let prisma: ReturnType<typeof parsePrismaSchema>;
  let columns: Column[];

  beforeAll(async () => {
    db = await createTestDatabase('tc9_msschema');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    prisma = parsePrismaSchema(await readFile(PRISMA_SCHEMA, 'utf8'));
    await applySchema(pool);
    columns = (
      await pool.query<Column>(
        `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
                character_maximum_length, datetime_precision
           FROM information_schema.columns WHERE table_schema = 'public'`,
      )
    ).rows;
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('parses the Prisma schema it checks', () => {
    expect(prisma.models.map((m) => m.table).sort()).toEqual(
      ['migration_phase_results', 'migration_projects', 'migration_runs', 'organisations'].sort(),
    );
    expect(prisma.enums.map((e) => e.dbName).sort()).toEqual(['migration_phase', 'org_type', 'phase_status', 'run_status']);
  });

  it('is idempotent: applying the SQL again (also concurrently) changes nothing and does not fail', async () => {
    await Promise.all([applySchema(pool), applySchema(pool)]);
    const again = await pool.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public'`);
    expect(again.rows[0].n).toBe(columns.length);
  });

  it('has every Prisma scalar field as a column of a compatible type, nullability and default', () => {
    const problems: string[] = [];
    for (const model of prisma.models) {
      for (const field of model.fields.filter((f) => !prisma.models.some((m) => m.name === f.type))) {
        const where = `${model.name}.${field.name} (${model.table}.${field.column})`;
        const column = columns.find((c) => c.table_name === model.table && c.column_name === field.column);
        if (!column) {
          problems.push(`${where}: no such column`);
          continue;
        }
        for (const [key, value] of Object.entries(expectedColumnType(field, prisma.enums))) {
          if (column[key as keyof Column] !== value)
            problems.push(`${where}: ${key} is ${column[key as keyof Column]}, Prisma needs ${value}`);
        }
        if ((column.is_nullable === 'YES') !== field.optional)
          problems.push(`${where}: nullable ${column.is_nullable}, Prisma optional ${field.optional}`);
        if ((column.column_default !== null) !== field.hasDefault)
          problems.push(`${where}: default ${column.column_default}, Prisma @default ${field.hasDefault}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no table or column that Prisma does not know', () => {
    const known = new Set(prisma.models.flatMap((m) => m.fields.map((f) => `${m.table}.${f.column}`)));
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`).filter((c) => !known.has(c))).toEqual([]);
  });

  it('has the enum types with the same values in the same order', async () => {
    const { rows } = await pool.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    expect(actual).toEqual(Object.fromEntries(prisma.enums.map((e) => [e.dbName, e.values])));
  });

  it('has a foreign key for every Prisma relation, with the same delete rule', async () => {
    const { rows } = await pool.query<{
      table_name: string;
      column_name: string;
      ref_table: string;
      ref_column: string;
      delete_rule: string;
    }>(
      `SELECT kcu.table_name, kcu.column_name, ccu.table_name AS ref_table, ccu.column_name AS ref_column, rc.delete_rule
         FROM information_schema.referential_constraints rc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.constraint_name`,
    );
    const actual = rows.map((r) => `${r.table_name}.${r.column_name} -> ${r.ref_table}.${r.ref_column} ON DELETE ${r.delete_rule}`).sort();
    const expected: string[] = [];
    for (const model of prisma.models) {
      for (const field of model.fields.filter((f) => f.relation)) {
        const target = prisma.models.find((m) => m.name === field.type)!;
        const rule = field.relation!.onDelete === 'Cascade' ? 'CASCADE' : field.optional ? 'SET NULL' : 'NO ACTION';
        field.relation!.fields.forEach((name, i) => {
          const column = model.fields.find((f) => f.name === name)!.column;
          const refColumn = target.fields.find((f) => f.name === field.relation!.references[i])!.column;
          expected.push(`${model.table}.${column} -> ${target.table}.${refColumn} ON DELETE ${rule}`);
        });
      }
    }
    expect(actual).toEqual(expected.sort());
  });

  it('has a unique index for every @@unique and a primary key for every @id', async () => {
    const { rows } = await pool.query<{ table_name: string; columns: string[]; is_primary: boolean }>(
      `SELECT t.relname AS table_name, i.indisprimary AS is_primary,
              array_agg(a.attname::text ORDER BY array_position(i.indkey, a.attnum)) AS columns
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (i.indkey)
        WHERE i.indisunique
        GROUP BY t.relname, i.indexrelid, i.indisprimary`,
    );
    for (const model of prisma.models) {
      const primary = model.fields
        .filter((f) => f.isId)
        .map((f) => f.column)
        .join();
      expect(
        rows.some((r) => r.table_name === model.table && r.is_primary && r.columns.join() === primary),
        `${model.table} primary key`,
      ).toBe(true);
      for (const unique of model.uniques) {
        const cols = unique.map((name) => model.fields.find((f) => f.name === name)!.column).join();
        expect(
          rows.some((r) => r.table_name === model.table && r.columns.join() === cols),
          `${model.table} (${cols})`,
        ).toBe(true);
      }
    }
  });
});
