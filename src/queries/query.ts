/**
 * A named analytics query: one SQL text with the Grafana plugin's time macros ($__timeFilter(...), ...)
 * and ClickHouse query parameters ({name:Type}) for everything else. Code runs it with runQuery (macros
 * expanded for a from/to range, parameters bound server-side); dashboards use grafanaSql (parameters
 * replaced by dashboard variables, macros left to the plugin).
 */
import type { Store } from '../store/store.js';
import { expandMacros, type TimeRange } from './macros.js';

export interface QueryParam {
  name: string;
  /** ClickHouse type as written in the SQL, e.g. String, UInt32, Array(String). */
  type: string;
  description: string;
  /** Used when the caller gives none; '' for String filters means "all". */
  default?: unknown;
}

export interface NamedQuery {
  name: string;
  description: string;
  sql: string;
  params: QueryParam[];
  /** Output columns in order; a leading `time` column makes it a Grafana time series. */
  columns: string[];
}

export interface RunOptions extends TimeRange {
  params?: Record<string, unknown>;
}

const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*):([^}]+)\}/g;

/** Parameters with defaults applied; unknown or missing ones named in the error. */
export function bindParams(query: NamedQuery, given: Record<string, unknown> = {}): Record<string, unknown> {
  const declared = new Map(query.params.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name))
      throw new Error(
        `tc9-observability: query ${query.name} has no parameter "${name}" (has: ${[...declared.keys()].join(', ') || 'none'})`,
      );
  }
  const out: Record<string, unknown> = {};
  for (const p of query.params) {
    const value = given[p.name] ?? p.default;
    if (value === undefined)
      throw new Error(`tc9-observability: query ${query.name} needs parameter "${p.name}" (${p.type}): ${p.description}`);
    out[p.name] = value;
  }
  return out;
}

export async function runQuery<T = Record<string, unknown>>(store: Store, query: NamedQuery, options: RunOptions): Promise<T[]> {
  return store.query<T>(expandMacros(query.sql, options), bindParams(query, options.params));
}

/**
 * The SQL for a Grafana panel: each {name:Type} becomes a dashboard variable reference (strings and
 * arrays through Grafana's sqlstring format, which quotes and escapes), or the SQL text given in
 * `overrides` (e.g. a fixed funnel).
 */
export function grafanaSql(query: NamedQuery, overrides: Record<string, string> = {}): string {
  return query.sql.replace(PARAM, (_all, name: string, type: string) => {
    if (Object.hasOwn(overrides, name)) return overrides[name]!;
    if (type.startsWith('Array(')) return `[\${${name}:sqlstring}]`;
    if (type === 'String' || type.startsWith('LowCardinality')) return `\${${name}:sqlstring}`;
    return `\${${name}}`;
  });
}
