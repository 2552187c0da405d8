/**
 * Span statistics for the Performance panels from the pre-aggregated tables (clickhouse/023_span_minutes.sql,
 * 024_span_rollups.sql) instead of every span: per bucket and dimension the calls, errors, total and longest
 * duration, a t-digest of the durations and the longest span's trace id.
 *
 * Columns of every table and of the rows below: the dimensions span_kind, span_name, service, environment,
 * route, method, operation; calls, errors, duration_sum, duration_max (ns), duration_quantiles
 * (quantilesTDigestState(0.5, 0.95, 0.99)) and slowest_trace (argMaxState(TraceId, Duration)), merged with sum,
 * max, quantilesTDigestMerge(0.5, 0.95, 0.99) and argMaxMerge. `where` conditions use these names.
 */

/** The t-digest levels the tables keep: index 1, 2, 3 of the merged array. */
export const DURATION_QUANTILES = 'quantilesTDigestMerge(0.5, 0.95, 0.99)(duration_quantiles)';

const DIMENSIONS = 'span_kind, span_name, service, environment, route, method, operation';
const MEASURES = 'calls, errors, duration_sum, duration_max, duration_quantiles, slowest_trace';

/** The tables from the coarsest bucket down, with a time's bucket as the views compute it (UTC hours and days, 024). */
interface Tier {
  table: string;
  bucket: (time: string) => string;
  length: string;
  seconds: number;
}
const TIERS: readonly Tier[] = [
  { table: 'span_days', bucket: (t) => `toStartOfDay(${t}, 'UTC')`, length: '1 DAY', seconds: 86_400 },
  { table: 'span_hours', bucket: (t) => `toStartOfHour(${t}, 'UTC')`, length: '1 HOUR', seconds: 3_600 },
  { table: 'span_minutes', bucket: (t) => `toStartOfMinute(${t})`, length: '1 MINUTE', seconds: 60 },
];

const rows = (columns: string, tier: Tier, conditions: string, where: string) => `SELECT ${columns}
  FROM ${tier.table}
  WHERE ${conditions}
    AND ${where}`;

/**
 * The spans of the dashboard's range widened to whole minutes (from the minute holding $__fromTime to the end
 * of the minute holding $__toTime), for panels that aggregate over all of it (stats, tables, variables), from
 * the coarsest rows that fit: days strictly between the days holding the bounds; within those edge days, hours
 * strictly between the hours holding the bounds; within the edge hours, minutes. So a 7-day range merges ~6 day,
 * ~45 hour and ~120 minute rows per series, and never reads the spans (whose granules would cost more than all
 * of that).
 */
export function spanStatsOverRange(where: string): string {
  const inEdgeBucket = (tier: Tier) =>
    ['$__fromTime', '$__toTime']
      .map((b) => `(start >= ${tier.bucket(b)} AND start < ${tier.bucket(b)} + INTERVAL ${tier.length})`)
      .join(' OR ');
  return TIERS.map((tier, i) => {
    const parent = TIERS[i - 1];
    const edge = parent ? `(${inEdgeBucket(parent)})\n    AND ` : '';
    const between =
      tier.table === 'span_minutes'
        ? 'start >= toStartOfMinute($__fromTime) AND start <= $__toTime'
        : `start > ${tier.bucket('$__fromTime')} AND start < ${tier.bucket('$__toTime')}`;
    return rows(`${DIMENSIONS}, ${MEASURES}`, tier, `${edge}${between}`, where);
  }).join('\n  UNION ALL\n  ');
}

/**
 * Rows per bucket (column `start`) for time series: span_hours when the panel's interval is whole hours, else
 * span_minutes (the panels set a 1 minute minimum interval). Only one branch's condition holds; the other reads
 * nothing. Finer roll-ups would not help: merging a bucket's t-digests costs about the same whether they come
 * as minutes or as five- or ten-minute rows (measured; coarser was even slower). Buckets are whole: the first
 * one may start before the range, as the bucket holding its start.
 */
export function spanStatsByInterval(where: string): string {
  const tiers = TIERS.filter((t) => t.table !== 'span_days');
  return tiers
    .map((tier, i) => {
      const coarser = tiers.slice(0, i).map((t) => `$__interval_s % ${t.seconds} != 0`);
      const fits = tier.table === 'span_minutes' ? [] : [`$__interval_s % ${tier.seconds} = 0`];
      const when = [...coarser, ...fits].join(' AND ');
      return rows(
        `start, ${DIMENSIONS}, ${MEASURES}`,
        tier,
        `${when}\n    AND start >= ${tier.bucket('$__fromTime')} AND start <= $__toTime`,
        where,
      );
    })
    .join('\n  UNION ALL\n  ');
}
