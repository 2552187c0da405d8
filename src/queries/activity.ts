/**
 * Analytics events as (t, user, session, organisation) rows for a time range, read mostly from the
 * per-hour table user_activity_hours (clickhouse/022) instead of every event: whole hours come from that
 * table (t = the hour), and only the hours holding a boundary of the range come from user_activities
 * (t = the event time). So a query over the rows gives the same answer as over user_activities with the
 * range's conditions, exact to the second like $__timeFilter, while reading a few hours of raw events.
 *
 * Columns: t, org_id, org_type, user_type, user_id, session_id, events, migrations_created,
 * migrations_executed (the last three: event counts a row stands for).
 */
import { EVENT } from '../semconv.js';

export interface ActivityRange {
  /** SQL of the lower bound, e.g. $__fromTime or $__toTime - INTERVAL 30 DAY (whole seconds). */
  from: string;
  /** true: created_at > from (default: >=). */
  fromExclusive?: boolean;
  /** SQL of the upper bound (inclusive), e.g. $__toTime. */
  to: string;
  /**
   * Other times the caller compares t with (t > x): their hours are read from raw events too, so every
   * hour row is wholly on one side of each of them.
   */
  boundaries?: string[];
  /** A condition on columns both tables share (org_id, user_id, ...), applied to both. */
  where?: string;
}

export function activityRows(range: ActivityRange): string {
  const edges = [range.from, range.to, ...(range.boundaries ?? [])].map((b) => `toStartOfHour(${b})`);
  const extra = range.where ? ` AND (${range.where})` : '';
  const inEdgeHour = edges.map((e) => `(created_at >= ${e} AND created_at < ${e} + INTERVAL 1 HOUR)`).join(' OR ');
  return `SELECT toDateTime64(hour, 9) AS t, org_id, org_type, user_type, user_id, session_id, events, migrations_created, migrations_executed
    FROM user_activity_hours
    WHERE hour > toStartOfHour(${range.from}) AND hour < toStartOfHour(${range.to}) AND hour NOT IN (${edges.join(', ')})${extra}
    UNION ALL
    SELECT created_at AS t, org_id, org_type, user_type, user_id, session_id, toUInt64(1) AS events,
        toUInt64(action = '${EVENT.migrationCreated}') AS migrations_created, toUInt64(action = '${EVENT.migrationExecuted}') AS migrations_executed
    FROM user_activities
    WHERE created_at ${range.fromExclusive ? '>' : '>='} ${range.from} AND created_at <= ${range.to} AND (${inEdgeHour})${extra}`;
}
