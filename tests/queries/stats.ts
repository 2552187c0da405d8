/** Reference statistics computed in the test, independently of ClickHouse. */

/** Quantile with linear interpolation between closest ranks (R-7, as ClickHouse's quantile for small sets). */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (h - lo);
}

/**
 * Prometheus histogram_quantile: find the bucket where the cumulative count reaches q * total and
 * interpolate linearly inside it (lower edge 0 for the first bucket); in the +Inf bucket, the highest bound.
 */
export function histogramQuantile(q: number, bounds: number[], counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const previous = cumulative;
    cumulative += counts[i]!;
    if (cumulative >= rank && counts[i]! > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      return lower + (bounds[i]! - lower) * ((rank - previous) / counts[i]!);
    }
  }
  return Number.NaN;
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

export const uniq = <T>(items: T[]) => new Set(items).size;

export const dayOf = (ms: number) => Math.floor(ms / 86_400_000);

export const isoDate = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
