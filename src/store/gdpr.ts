/**
 * GDPR access and erasure for one user id across every table that can hold it: the raw OTel tables
 * (user.id attribute) and the analytics tables the views fill from them (user_id column). Erasure uses
 * ALTER TABLE ... DELETE with mutations_sync = 2, which rewrites the parts: the rows are physically
 * gone, on every replica, when deleteUser returns. Both actions are recorded in gdpr_audit with a
 * SHA-256 of the id (the audit must not keep the identifier it erased) and the row counts.
 *
 * Pass the id as stored: with pseudonymisation on, that is the pseudonym, not the raw id.
 */
import { createHash } from 'node:crypto';
import { quoteIdentifier } from './sql.js';
import type { Store } from './store.js';

/** Each table holding user data, with the condition selecting one user's rows ({user:String}). */
export const USER_DATA: ReadonlyArray<{ table: string; where: string }> = [
  { table: 'otel_logs', where: "LogAttributes['user.id'] = {user:String}" },
  { table: 'otel_traces', where: "SpanAttributes['user.id'] = {user:String}" },
  { table: 'otel_metrics_gauge', where: "Attributes['user.id'] = {user:String}" },
  { table: 'otel_metrics_sum', where: "Attributes['user.id'] = {user:String}" },
  { table: 'otel_metrics_histogram', where: "Attributes['user.id'] = {user:String}" },
  { table: 'otel_metrics_exponential_histogram', where: "Attributes['user.id'] = {user:String}" },
  { table: 'otel_metrics_summary', where: "Attributes['user.id'] = {user:String}" },
  { table: 'user_activities', where: 'user_id = {user:String}' },
  { table: 'user_activity_days', where: 'user_id = {user:String}' },
  { table: 'org_session_days', where: 'user_id = {user:String}' },
  { table: 'session_paths', where: 'user_id = {user:String}' },
  { table: 'application_errors', where: 'user_id = {user:String}' },
  { table: 'feature_usage', where: 'user_id = {user:String}' },
  { table: 'performance_metrics', where: 'user_id = {user:String}' },
  { table: 'sessions', where: 'user_id = {user:String}' },
  { table: 'migration_runs', where: 'user_id = {user:String}' },
];

export interface UserExport {
  userHash: string;
  exportedAt: string;
  /** Every row held for the user, per table, as the store returns it. */
  tables: Record<string, Array<Record<string, unknown>>>;
}

export interface UserDeletion {
  userHash: string;
  rowCounts: Record<string, number>;
  totalRows: number;
}

export const hashUserId = (userId: string) => createHash('sha256').update(userId).digest('hex');

function checkUserId(userId: string): void {
  if (typeof userId !== 'string' || userId.trim() === '') throw new Error('tc9-observability: GDPR actions need a non-empty user id');
}

async function audit(
  store: Store,
  action: 'export' | 'delete',
  userId: string,
  actor: string,
  rowCounts: Record<string, number>,
): Promise<void> {
  const totalRows = Object.values(rowCounts).reduce((a, b) => a + b, 0);
  await store.insert('gdpr_audit', [{ action, user_hash: hashUserId(userId), actor, row_counts: rowCounts, total_rows: totalRows }]);
}

export async function exportUser(store: Store, userId: string, actor = 'unknown'): Promise<UserExport> {
  checkUserId(userId);
  const tables: UserExport['tables'] = {};
  for (const { table, where } of USER_DATA) {
    tables[table] = await store.query(`SELECT * FROM ${quoteIdentifier(table)} WHERE ${where}`, { user: userId });
  }
  await audit(store, 'export', userId, actor, Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.length])));
  return { userHash: hashUserId(userId), exportedAt: new Date().toISOString(), tables };
}

export async function deleteUser(store: Store, userId: string, actor: string): Promise<UserDeletion> {
  checkUserId(userId);
  const onCluster = store.cluster ? ` ON CLUSTER ${quoteIdentifier(store.cluster)}` : '';
  const local = store.cluster ? '_local' : '';
  const rowCounts: Record<string, number> = {};
  for (const { table, where } of USER_DATA) {
    const [row] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${quoteIdentifier(table)} WHERE ${where}`, { user: userId });
    rowCounts[table] = Number(row?.n ?? 0);
    if (rowCounts[table] === 0) continue;
    await store.command(
      `ALTER TABLE ${quoteIdentifier(store.database)}.${quoteIdentifier(table + local)}${onCluster} DELETE WHERE ${where} SETTINGS mutations_sync = 2`,
      { user: userId },
    );
  }
  await audit(store, 'delete', userId, actor, rowCounts);
  return { userHash: hashUserId(userId), rowCounts, totalRows: Object.values(rowCounts).reduce((a, b) => a + b, 0) };
}
