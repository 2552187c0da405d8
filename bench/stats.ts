/** Small statistics for benchmark figures: medians, percentiles, ratios. Pure, so tests can check them. */

/** The middle value (mean of the two middle ones for an even count). Throws on an empty list. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The p-th percentile (0-100) by linear interpolation between closest ranks (numpy's default), so p50 of
 * [1, 2, 3, 4] is 2.5 and p99 of a long latency list does not jump to the single slowest request.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be within 0..100, got ${p}`);
  const sorted = Float64Array.from(values).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** value / baseline; NaN when the baseline is not a positive number (a ratio to nothing means nothing). */
export function ratio(value: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(baseline) ? value / baseline : Number.NaN;
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function max(values: readonly number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}
