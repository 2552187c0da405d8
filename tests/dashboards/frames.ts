/**
 * Query results with their ClickHouse column types (DESCRIBE of the query), and the shape checks the
 * Grafana ClickHouse plugin relies on: time series need a time column first, ascending rows, string label
 * columns and numeric values; tables need the columns the panel refers to.
 */
import type { Store } from '../../src/store/store.js';

export interface Column {
  name: string;
  type: string;
}

export interface QueryResult {
  columns: Column[];
  rows: Record<string, unknown>[];
}

export async function runSql(store: Store, sql: string): Promise<QueryResult> {
  const columns = await store.query<Column>(`DESCRIBE (${sql})`);
  const rows = await store.query(sql);
  return { columns: columns.map((c) => ({ name: c.name, type: c.type })), rows };
}

/** The type without Nullable(...) / LowCardinality(...) wrappers. */
export function baseType(type: string): string {
  const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return m ? baseType(m[1] as string) : type;
}

export const isTime = (type: string) => /^(DateTime(64)?(\(.*\))?|Date(32)?)$/.test(baseType(type));
export const isString = (type: string) => /^(String|FixedString\(\d+\))$/.test(baseType(type));
export const isNumeric = (type: string) => /^(U?Int(8|16|32|64|128|256)|Float(32|64)|Decimal.*|BFloat16)$/.test(baseType(type));

/** ClickHouse's JSON text of a DateTime/Date (UTC session) -> epoch ms. */
export function timeValue(value: unknown): number {
  const text = String(value);
  return Date.parse(text.length === 10 ? `${text}T00:00:00Z` : `${text.replace(' ', 'T')}Z`);
}

/** Problems of a result as a Grafana time series (format 0), empty when fine. */
export function timeSeriesProblems(result: QueryResult): string[] {
  const problems: string[] = [];
  const [time, ...rest] = result.columns;
  if (!time || !isTime(time.type)) problems.push(`first column must be a time, got ${time?.name}: ${time?.type}`);
  if (!rest.some((c) => isNumeric(c.type))) problems.push('no numeric value column');
  for (const c of rest)
    if (!isNumeric(c.type) && !isString(c.type)) problems.push(`column ${c.name} is ${c.type}: neither a string label nor a number`);
  if (time) {
    const times = result.rows.map((r) => timeValue(r[time.name]));
    if (times.some((t) => Number.isNaN(t))) problems.push('unparseable time values');
    for (let i = 1; i < times.length; i++) {
      if ((times[i] as number) < (times[i - 1] as number)) {
        problems.push(`rows not ascending by time at row ${i}`);
        break;
      }
    }
  }
  return problems;
}

/** Problems of a result as a table/stat/bar chart (format 1), given the columns the panel names. */
export function tableProblems(result: QueryResult, kind: string, referenced: string[]): string[] {
  const problems: string[] = [];
  const names = result.columns.map((c) => c.name);
  if (new Set(names).size !== names.length) problems.push(`duplicate column names: ${names.join(', ')}`);
  for (const name of referenced) if (!names.includes(name)) problems.push(`panel refers to column ${name}, result has ${names.join(', ')}`);
  const numeric = result.columns.filter((c) => isNumeric(c.type));
  if ((kind === 'stat' || kind === 'barchart') && numeric.length === 0) problems.push(`${kind} needs a numeric column`);
  if (kind === 'barchart' && !result.columns.some((c) => isString(c.type))) problems.push('bar chart needs a string column for its x axis');
  return problems;
}
