/**
 * Expands the placeholders of the SQL files under clickhouse/ into statements for one deployment, so
 * the single-node and the cluster schema come from the same text:
 *
 *   {{db}}                       the database, quoted
 *   {{local}}                    '' on a single node, '_local' on a cluster (suffix of every table we own)
 *   {{on_cluster}}               '' or ON CLUSTER `name`
 *   {{engine}}, {{engine Aggregating}}, {{engine Replacing(ver)}}
 *                                the MergeTree family member, Replicated...('/clickhouse/tables/{shard}/{database}/{table}', '{replica}') on a cluster
 *   {{ttl <class>}}              retention days of a data class (see retention.ts)
 *   {{distributed <table> <sharding key>}}
 *                                a statement of its own: on a cluster the Distributed table under the public
 *                                name over <table>_local; on a single node nothing
 *   {{user <role>}}, {{password <role>}}
 *                                user names and passwords (users/ files only), passwords as string literals
 *
 * Statements end with ';' at the end of a line.
 */
import { retentionDays, type RetentionConfig } from './retention.js';
import { quoteIdentifier, quoteString } from './sql.js';

export interface DdlContext {
  database: string;
  cluster?: string | undefined;
  retention: RetentionConfig;
  users?: Record<string, { name: string; password: string }>;
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)(?:\s+([^}]*?))?\s*\}\}/g;
const REPLICATION = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

function engine(arg: string | undefined, cluster: string | undefined): string {
  const m = /^([A-Za-z]*)\s*(?:\((.*)\))?$/.exec(arg ?? '');
  if (!m) throw new Error(`tc9-observability: bad engine placeholder argument "${arg}"`);
  const [, family = '', args] = m;
  if (!cluster) return `${family}MergeTree${args !== undefined ? `(${args})` : ''}`;
  return `Replicated${family}MergeTree(${REPLICATION}${args ? `, ${args}` : ''})`;
}

function distributed(arg: string | undefined, ctx: DdlContext): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/.exec(arg ?? '');
  if (!m) throw new Error(`tc9-observability: bad distributed placeholder argument "${arg}"`);
  if (!ctx.cluster) return '';
  const [, table = '', key = ''] = m;
  const db = quoteIdentifier(ctx.database);
  const cluster = quoteIdentifier(ctx.cluster);
  return (
    `CREATE TABLE IF NOT EXISTS ${db}.${quoteIdentifier(table)} ON CLUSTER ${cluster} AS ${db}.${quoteIdentifier(`${table}_local`)}\n` +
    `ENGINE = Distributed(${quoteString(ctx.cluster)}, ${quoteString(ctx.database)}, ${quoteString(`${table}_local`)}, ${key})`
  );
}

function user(arg: string | undefined, ctx: DdlContext) {
  const u = ctx.users?.[arg ?? ''];
  if (!u) throw new Error(`tc9-observability: no user configured for role "${arg}"`);
  return u;
}

function expandOne(name: string, arg: string | undefined, ctx: DdlContext): string {
  switch (name) {
    case 'db':
      return quoteIdentifier(ctx.database);
    case 'local':
      return ctx.cluster ? '_local' : '';
    case 'on_cluster':
      return ctx.cluster ? `ON CLUSTER ${quoteIdentifier(ctx.cluster)}` : '';
    case 'engine':
      return engine(arg, ctx.cluster);
    case 'ttl':
      return String(retentionDays(ctx.retention, arg ?? ''));
    case 'distributed':
      return distributed(arg, ctx);
    case 'user':
      return quoteIdentifier(user(arg, ctx).name);
    case 'password':
      return quoteString(user(arg, ctx).password);
    default:
      throw new Error(`tc9-observability: unknown placeholder {{${name}}}`);
  }
}

/** Placeholders expanded, whole-line comments removed, split into statements; empty ones dropped. */
export function expandStatements(text: string, ctx: DdlContext): string[] {
  const expanded = text
    .replace(/^[ \t]*--.*(?:\r?\n|$)/gm, '')
    .replace(PLACEHOLDER, (_all, name: string, arg: string | undefined) => expandOne(name, arg?.trim(), ctx));
  return expanded
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
