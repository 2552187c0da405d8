/**
 * The Grafana ClickHouse plugin's (v4.20) backend macros, expanded exactly as the plugin does, so one SQL
 * text serves dashboards (the plugin expands it) and code (we expand it with a from/to range).
 * Innermost macros expand first; unknown $__ names are left as they are.
 */

export interface TimeRange {
  from: Date | number;
  to: Date | number;
  /** Grafana's $__interval; default 1 minute. */
  intervalMs?: number;
}

const ms = (t: Date | number) => (typeof t === 'number' ? t : t.getTime());
const seconds = (t: Date | number) => Math.floor(ms(t) / 1000);
const date = (t: Date | number) => new Date(ms(t)).toISOString().slice(0, 10);
const toDateTime = (t: Date | number) => `toDateTime(${seconds(t)})`;
const toDateTime64 = (t: Date | number) => `fromUnixTimestamp64Milli(${Math.floor(ms(t))})`;
const toDate = (t: Date | number) => `toDate('${date(t)}')`;

/** Grafana's gtime.FormatInterval: the largest whole unit. */
function formatInterval(intervalMs: number): string {
  const units: Array<[string, number]> = [
    ['y', 365 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ];
  for (const [unit, size] of units) if (intervalMs >= size) return `${Math.floor(intervalMs / size)}${unit}`;
  return '1ms';
}

/** '5m', '30s', '1h', '2d', '1w', '500ms' -> seconds (at least 1). */
function intervalSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$/.exec(text.trim());
  if (!m) throw new Error(`tc9-observability: macro interval "${text}" is not like 5m, 30s or 1h`);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 }[m[2] as 'ms'];
  return Math.max(Math.floor(Number(m[1]) * factor), 1);
}

type Macro = (args: string[], range: Required<TimeRange>) => string;

function arity(name: string, args: string[], n: number): void {
  if (args.length !== n) throw new Error(`tc9-observability: macro $__${name} expects ${n} argument(s), got ${args.length}`);
}

/** A macro taking exactly `n` arguments: the count is checked before it expands. */
function takes(name: string, n: number, expand: Macro): Macro {
  return (args, range) => {
    arity(name, args, n);
    return expand(args, range);
  };
}

const MACROS: Record<string, Macro> = {
  timeFilter: takes('timeFilter', 1, (a, r) => `${a[0]} >= ${toDateTime(r.from)} AND ${a[0]} <= ${toDateTime(r.to)}`),
  timeFilter_ms: takes('timeFilter_ms', 1, (a, r) => `${a[0]} >= ${toDateTime64(r.from)} AND ${a[0]} <= ${toDateTime64(r.to)}`),
  dateFilter: takes('dateFilter', 1, (a, r) => `${a[0]} >= ${toDate(r.from)} AND ${a[0]} <= ${toDate(r.to)}`),
  dateTimeFilter: takes(
    'dateTimeFilter',
    2,
    (a, r) =>
      `(${a[0]} >= ${toDate(r.from)} AND ${a[0]} <= ${toDate(r.to)}) AND (${a[1]} >= ${toDateTime(r.from)} AND ${a[1]} <= ${toDateTime(r.to)})`,
  ),
  timeFrom: takes('timeFrom', 1, (a, r) => `${a[0]} >= ${toDateTime(r.from)}`),
  timeTo: takes('timeTo', 1, (a, r) => `${a[0]} <= ${toDateTime(r.to)}`),
  fromTime: (_a, r) => toDateTime(r.from),
  toTime: (_a, r) => toDateTime(r.to),
  fromTime_ms: (_a, r) => toDateTime64(r.from),
  toTime_ms: (_a, r) => toDateTime64(r.to),
  timeInterval: takes(
    'timeInterval',
    1,
    (a, r) => `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${Math.max(Math.floor(r.intervalMs / 1000), 1)} second)`,
  ),
  timeInterval_ms: takes(
    'timeInterval_ms',
    1,
    (a, r) => `toStartOfInterval(toDateTime64(${a[0]}, 3), INTERVAL ${Math.max(Math.floor(r.intervalMs), 1)} millisecond)`,
  ),
  timeGroup: takes('timeGroup', 2, (a) => `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${intervalSeconds(a[1] ?? '')} second)`),
  interval_s: (_a, r) => String(Math.max(Math.floor(r.intervalMs / 1000), 1)),
  interval_ms: (_a, r) => String(Math.floor(r.intervalMs)),
  interval: (_a, r) => formatInterval(r.intervalMs),
};
MACROS.dt = MACROS.dateTimeFilter!;

/** Splits "a, f(b, c), 'x,y'" at top-level commas; returns the arguments and the index after ')'. */
function parseArgs(sql: string, open: number): { args: string[]; end: number } | undefined {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = open + 1;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      args.push(sql.slice(start, i));
      return { args: args.map((a) => a.trim()).filter((a, _k, all) => a !== '' || all.length > 1), end: i + 1 };
    } else if (c === ',' && depth === 1) {
      args.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  return undefined;
}

export function expandMacros(sql: string, range: TimeRange): string {
  const r: Required<TimeRange> = { intervalMs: 60_000, ...range };
  let out = '';
  let i = 0;
  for (;;) {
    const at = sql.indexOf('$__', i);
    if (at < 0) return out + sql.slice(i);
    out += sql.slice(i, at);
    const name = /^[A-Za-z0-9_]+/.exec(sql.slice(at + 3))?.[0] ?? '';
    const macro = Object.hasOwn(MACROS, name) ? MACROS[name] : undefined;
    let next = at + 3 + name.length;
    if (!macro) {
      out += sql.slice(at, next);
      i = next;
      continue;
    }
    let args: string[] = [];
    if (sql[next] === '(') {
      const parsed = parseArgs(sql, next);
      if (!parsed) throw new Error(`tc9-observability: unbalanced parentheses after $__${name}`);
      args = parsed.args.map((a) => expandMacros(a, r));
      next = parsed.end;
    }
    out += macro(args, r);
    i = next;
  }
}
