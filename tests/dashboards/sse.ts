/**
 * Grafana's alert evaluation, as far as our rules use it: the ClickHouse result becomes series (format 0,
 * long-to-wide: string columns are labels, each numeric column a series) or numbers (format 1: one number
 * per row, string columns as labels); then reduce (last/mean/max/min/sum/count, dropNN drops null and NaN;
 * numbers pass through unchanged), threshold (gt, lt, within_range, outside_range) and math ($A > 1, ...).
 */
import { isNumeric, isString, isTime, timeValue, type QueryResult } from './frames.js';

export type Labels = Record<string, string>;

export interface Series {
  name: string;
  labels: Labels;
  points: Array<{ time: number; value: number | null }>;
}

export interface LabeledNumber {
  labels: Labels;
  value: number | null;
}

export type Values = { kind: 'series'; series: Series[] } | { kind: 'numbers'; numbers: LabeledNumber[] };

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

export function valuesFromResult(result: QueryResult, format: number): Values {
  const labelColumns = result.columns.filter((c) => isString(c.type));
  const labelsOf = (row: Record<string, unknown>) => Object.fromEntries(labelColumns.map((c) => [c.name, String(row[c.name])]));
  if (format === 1) {
    const numeric = result.columns.filter((c) => isNumeric(c.type));
    if (numeric.length !== 1)
      throw new Error(`a table alert query needs exactly one numeric column, got ${numeric.map((c) => c.name).join(', ') || 'none'}`);
    const value = (numeric[0] as { name: string }).name;
    return { kind: 'numbers', numbers: result.rows.map((row) => ({ labels: labelsOf(row), value: toNumber(row[value]) })) };
  }
  const time = result.columns[0];
  if (!time || !isTime(time.type)) throw new Error('a time series alert query needs a time column first');
  const series = new Map<string, Series>();
  for (const row of result.rows) {
    for (const column of result.columns.filter((c) => isNumeric(c.type))) {
      const labels = labelsOf(row);
      const id = `${column.name}|${key(labels)}`;
      let s = series.get(id);
      if (!s) {
        s = { name: column.name, labels, points: [] };
        series.set(id, s);
      }
      s.points.push({ time: timeValue(row[time.name]), value: toNumber(row[column.name]) });
    }
  }
  return { kind: 'series', series: [...series.values()] };
}

export type Reducer = 'last' | 'mean' | 'max' | 'min' | 'sum' | 'count';

export function reduceValues(values: Values, reducer: Reducer, mode: 'dropNN' | 'strict' = 'dropNN'): LabeledNumber[] {
  if (values.kind === 'numbers') return values.numbers;
  return values.series.map((s) => {
    const all = s.points.map((p) => p.value);
    const kept = mode === 'dropNN' ? all.filter((v): v is number => v !== null && !Number.isNaN(v)) : all;
    if (mode === 'strict' && kept.some((v) => v === null || Number.isNaN(v))) return { labels: s.labels, value: NaN };
    const nums = kept as number[];
    let value: number;
    switch (reducer) {
      case 'count':
        value = nums.length;
        break;
      case 'last':
        value = nums.length ? (nums[nums.length - 1] as number) : NaN;
        break;
      case 'sum':
        value = nums.reduce((a, b) => a + b, 0);
        break;
      case 'mean':
        value = nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : NaN;
        break;
      case 'max':
        value = nums.length ? Math.max(...nums) : NaN;
        break;
      case 'min':
        value = nums.length ? Math.min(...nums) : NaN;
        break;
    }
    return { labels: s.labels, value };
  });
}

export interface Evaluator {
  type: 'gt' | 'lt' | 'within_range' | 'outside_range';
  params: number[];
}

export function threshold(numbers: LabeledNumber[], evaluator: Evaluator): LabeledNumber[] {
  const [a = NaN, b = NaN] = evaluator.params;
  const test = (v: number) => {
    switch (evaluator.type) {
      case 'gt':
        return v > a;
      case 'lt':
        return v < a;
      case 'within_range':
        return v > Math.min(a, b) && v < Math.max(a, b);
      case 'outside_range':
        return v < Math.min(a, b) || v > Math.max(a, b);
    }
  };
  return numbers.map((n) => ({ labels: n.labels, value: n.value === null || Number.isNaN(n.value) ? null : test(n.value) ? 1 : 0 }));
}

/* ---- math: numbers, $A / ${A}, + - * / > < >= <= == != && ||, parentheses ---- */

type Token = { t: 'num'; v: number } | { t: 'ref'; v: string } | { t: 'op'; v: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|\$\{?([A-Za-z_]\w*)\}?|(&&|\|\||>=|<=|==|!=|[-+*/()<>!]))/gy;
  let at = 0;
  while (at < expr.length) {
    const m = re.exec(expr);
    if (!m) break;
    if (m[1] !== undefined) tokens.push({ t: 'num', v: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ t: 'ref', v: m[2] });
    else tokens.push({ t: 'op', v: m[3] as string });
    at = re.lastIndex;
    if (/^\s*$/.test(expr.slice(at))) break;
  }
  if (!/^\s*$/.test(expr.slice(at))) throw new Error(`math: cannot parse "${expr.slice(at)}"`);
  return tokens;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
};

function apply(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '>':
      return a > b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    case '||':
      return a !== 0 || b !== 0 ? 1 : 0;
    default:
      throw new Error(`math: unknown operator ${op}`);
  }
}

/** Binary operation on labelled sets: a label-less single value applies to every item; otherwise items join on equal labels. */
function combine(op: string, left: LabeledNumber[], right: LabeledNumber[]): LabeledNumber[] {
  const scalar = (xs: LabeledNumber[]) => xs.length === 1 && Object.keys((xs[0] as LabeledNumber).labels).length === 0;
  const calc = (a: number | null, b: number | null) => (a === null || b === null ? null : apply(op, a, b));
  if (scalar(right)) return left.map((l) => ({ labels: l.labels, value: calc(l.value, (right[0] as LabeledNumber).value) }));
  if (scalar(left)) return right.map((r) => ({ labels: r.labels, value: calc((left[0] as LabeledNumber).value, r.value) }));
  const byKey = new Map(right.map((r) => [key(r.labels), r]));
  return left.flatMap((l) => {
    const r = byKey.get(key(l.labels));
    return r ? [{ labels: l.labels, value: calc(l.value, r.value) }] : [];
  });
}

export function math(expression: string, vars: Record<string, LabeledNumber[]>): LabeledNumber[] {
  const tokens = tokenize(expression);
  let i = 0;
  const primary = (): LabeledNumber[] => {
    const tok = tokens[i++];
    if (!tok) throw new Error(`math: unexpected end of "${expression}"`);
    if (tok.t === 'num') return [{ labels: {}, value: tok.v }];
    if (tok.t === 'ref') {
      const v = vars[tok.v];
      if (!v) throw new Error(`math: unknown reference $${tok.v}`);
      return v;
    }
    if (tok.v === '(') {
      const inner = binary(0);
      if (tokens[i++]?.v !== ')') throw new Error(`math: missing ) in "${expression}"`);
      return inner;
    }
    if (tok.v === '-') return combine('*', primary(), [{ labels: {}, value: -1 }]);
    if (tok.v === '!') return primary().map((n) => ({ labels: n.labels, value: n.value === null ? null : n.value === 0 ? 1 : 0 }));
    throw new Error(`math: unexpected ${tok.v} in "${expression}"`);
  };
  const binary = (minPrecedence: number): LabeledNumber[] => {
    let left = primary();
    for (;;) {
      const tok = tokens[i];
      if (tok?.t !== 'op') return left;
      const precedence = PRECEDENCE[tok.v];
      if (precedence === undefined || precedence < minPrecedence) return left;
      i++;
      const right = binary(precedence + 1);
      left = combine(tok.v, left, right);
    }
  };
  const result = binary(0);
  if (i !== tokens.length) throw new Error(`math: trailing input in "${expression}"`);
  return result;
}
