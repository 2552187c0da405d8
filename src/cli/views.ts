/**
 * The report views (performance, migration, journey, errors): named queries from src/queries run over a
 * time window and printed as terminal tables. `tc9-obs report` and the `npm start` demo share them:
 *
 *   const views = await collectViews(store, { from, to, service });   // structured (JSON-able) data
 *   process.stdout.write(formatViews(views, { from, to }));           // the same as text tables
 *   // or in one go: await renderViews(store, { from, to })
 *
 * Tables show the columns that fit a terminal; the structured data keeps every column of each row.
 */
import { findQuery, runQuery } from '../queries/index.js';
import type { Store } from '../store/store.js';
import { renderTable, truncate, type Align } from './table.js';

export const VIEW_NAMES = ['performance', 'migration', 'journey', 'errors'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

export interface ReportRange {
  from: Date;
  to: Date;
  /** service.name filter for the queries that have one (HTTP, database, errors); empty or absent: all. */
  service?: string | undefined;
}

export interface ViewTable {
  /** Named query (src/queries) the rows come from. */
  query: string;
  title: string;
  /** Columns the text table shows, in order (rows carry all of the query's columns). */
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

export interface View {
  name: ViewName;
  title: string;
  tables: ViewTable[];
}

interface TableSpec {
  query: string;
  title: string;
  columns: string[];
  params?: Record<string, unknown>;
  /** Aggregates always return one row; this says when that row means "nothing happened". */
  isEmpty?: (rows: Array<Record<string, unknown>>) => boolean;
}

const zero = (column: string) => (rows: Array<Record<string, unknown>>) => rows.length === 0 || rows.every((r) => !Number(r[column]));

const VIEWS: Record<ViewName, { title: string; tables: TableSpec[] }> = {
  performance: {
    title: 'Performance',
    tables: [
      {
        query: 'http_route_latency',
        title: 'HTTP routes (server spans)',
        columns: ['route', 'method', 'requests', 'errors', 'error_rate', 'p50_ms', 'p95_ms', 'p99_ms'],
      },
      {
        query: 'db_operation_latency',
        title: 'Database operations (Prisma)',
        columns: ['operation', 'calls', 'errors', 'p50_ms', 'p95_ms', 'p99_ms'],
      },
    ],
  },
  migration: {
    title: 'Migrations',
    tables: [
      {
        query: 'migration_throughput',
        title: 'Runs per template',
        columns: ['template', 'runs', 'succeeded', 'failed', 'success_rate', 'records_processed', 'records_per_second', 'p95_duration_s'],
      },
      {
        query: 'migration_phase_breakdown',
        title: 'Phases',
        columns: ['phase', 'executions', 'failed', 'total_s', 'share', 'p95_ms', 'records_processed', 'records_per_second'],
      },
    ],
  },
  journey: {
    title: 'User journeys',
    tables: [
      {
        query: 'active_users_summary',
        title: 'Active users (to the end of the window)',
        columns: ['dau', 'wau', 'mau'],
        isEmpty: zero('mau'),
      },
      {
        query: 'session_stats',
        title: 'Sessions',
        columns: ['sessions', 'avg_duration_s', 'median_duration_s', 'avg_pages_per_session', 'avg_actions_per_session'],
        isEmpty: zero('sessions'),
      },
      {
        query: 'top_paths',
        title: 'Top paths (next step within a session)',
        columns: ['from_step', 'to_step', 'transitions', 'sessions', 'share'],
        params: { limit: 10 },
      },
    ],
  },
  errors: {
    title: 'Errors',
    tables: [
      {
        query: 'error_groups',
        title: 'Error groups',
        columns: ['error_type', 'message', 'category', 'occurrences', 'users_affected', 'last_seen', 'releases', 'last_trace_id'],
        params: { limit: 10 },
      },
      {
        query: 'errors_by_release',
        title: 'Errors per release',
        columns: ['release', 'errors', 'groups', 'users_affected', 'first_seen', 'last_seen'],
      },
    ],
  },
};

export const NO_DATA = 'no data in this window';

/** Runs the views' queries over the range; views in the order asked. */
export async function collectViews(store: Store, range: ReportRange, names: readonly ViewName[] = VIEW_NAMES): Promise<View[]> {
  const views: View[] = [];
  for (const name of names) {
    const spec = VIEWS[name];
    const tables: ViewTable[] = [];
    for (const t of spec.tables) {
      const query = findQuery(t.query);
      const params: Record<string, unknown> = { ...t.params };
      if (range.service && query.params.some((p) => p.name === 'service')) params.service = range.service;
      const rows = await runQuery(store, query, { from: range.from, to: range.to, params });
      tables.push({ query: t.query, title: t.title, columns: t.columns, rows: t.isEmpty?.(rows) ? [] : rows });
    }
    views.push({ name, title: spec.title, tables });
  }
  return views;
}

const RATIO = /(^|_)(rate|share|conversion)$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})(\.\d+)?$/;

/** One cell as text: ratios as percentages, durations and rates rounded, timestamps to the second. */
export function formatCell(column: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return truncate(value.map((v) => formatCell(column, v)).join(', '), 40);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '-';
    if (RATIO.test(column)) return `${(value * 100).toFixed(1)}%`;
    if (Number.isInteger(value)) return String(value);
    return value.toFixed(Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  }
  if (typeof value === 'string') {
    const ts = TIMESTAMP.exec(value);
    if (ts) return ts[1]!.replace('T', ' ');
    return truncate(value.replace(/\s+/g, ' '), column === 'message' ? 60 : 48);
  }
  return truncate(JSON.stringify(value), 48);
}

function formatTable(table: ViewTable): string {
  const lines = [`  ${table.title}`];
  if (table.rows.length === 0) {
    lines.push(`    ${NO_DATA}`);
    return lines.join('\n');
  }
  const align: Align[] = table.columns.map((c) => (table.rows.some((r) => typeof r[c] === 'number') ? 'right' : 'left'));
  const rows = table.rows.map((r) => table.columns.map((c) => formatCell(c, r[c])));
  lines.push(renderTable(table.columns, rows, { align, indent: '    ' }));
  return lines.join('\n');
}

/** One view as text: its title, then each table (or "no data in this window"). */
export function formatView(view: View): string {
  if (view.tables.every((t) => t.rows.length === 0)) return `${view.title}\n  ${NO_DATA}`;
  return [view.title, ...view.tables.map(formatTable)].join('\n\n');
}

const isoSecond = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** All views as text, headed by the window they cover; ends with a newline. */
export function formatViews(views: readonly View[], range: ReportRange): string {
  const scope = range.service ? `, service ${range.service} (performance and errors; the other views cover all services)` : '';
  const header = `Window ${isoSecond(range.from)} .. ${isoSecond(range.to)}${scope}`;
  return `${[header, ...views.map(formatView)].join('\n\n')}\n`;
}

/** collectViews + formatViews. */
export async function renderViews(store: Store, range: ReportRange, names: readonly ViewName[] = VIEW_NAMES): Promise<string> {
  return formatViews(await collectViews(store, range, names), range);
}
