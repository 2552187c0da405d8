/** Parsers for flag values; a bad value is a usage error (exit 2) naming the flag's accepted forms. */
import { UsageError } from './errors.js';
import { InvalidArgumentError } from 'commander';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const SPAN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** '24h', '7d', '30m', '2w', '90s' -> milliseconds. */
export function parseSpanMs(text: string): number | undefined {
  const m = SPAN.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/**
 * A point in time: a span back from `now` ('24h', '7d'), 'now', or an ISO 8601 date/time
 * ('2025-01-31', '2025-01-31T12:00:00Z').
 */
export function parseInstant(text: string, now: number = Date.now()): Date {
  const trimmed = text.trim();
  if (trimmed === 'now') return new Date(now);
  const span = parseSpanMs(trimmed);
  if (span !== undefined) return new Date(now - span);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const t = Date.parse(trimmed);
    if (!Number.isNaN(t)) return new Date(t);
  }
  throw new InvalidArgumentError(
    `expected a span back from now like 24h, 7d, 30m, or an ISO date like 2025-01-31T12:00:00Z, got "${text}"`,
  );
}

/** '2s', '500ms', '1m', or a bare number of seconds -> milliseconds. */
export function parseTimeout(text: string): number {
  const trimmed = text.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : parseSpanMs(trimmed);
  if (ms === undefined || !(ms > 0)) throw new InvalidArgumentError(`expected a duration like 2s, 500ms or 5 (seconds), got "${text}"`);
  return ms;
}

export function parsePositiveInt(text: string): number {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive whole number, got "${text}"`);
  return n;
}

/** A duration in seconds: a bare number or a span like 90s, 2m. */
export function parseSeconds(text: string): number {
  return parseTimeout(text) / 1000;
}

/**
 * The --since/--until window, both ends from one clock reading (so "--since 24h" is exactly 24 hours); a bad
 * value or an empty window is a usage error naming the flag.
 */
export function parseWindow(since: string, until: string, now: number = Date.now()): { from: Date; to: Date } {
  const instant = (flag: string, text: string) => {
    try {
      return parseInstant(text, now);
    } catch (err) {
      throw new UsageError(`${flag}: ${(err as Error).message}`);
    }
  };
  const from = instant('--since', since);
  const to = instant('--until', until);
  if (from.getTime() >= to.getTime()) throw new UsageError(`--since (${from.toISOString()}) must be before --until (${to.toISOString()})`);
  return { from, to };
}
