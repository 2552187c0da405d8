/** The alert-evaluation helpers against hand-computed results (they decide whether alert tests pass). */
import { describe, expect, it } from 'vitest';
import type { QueryResult } from './frames.js';
import { math, reduceValues, threshold, valuesFromResult } from './sse.js';

const timeSeries: QueryResult = {
  columns: [
    { name: 'time', type: 'DateTime' },
    { name: 'service', type: 'LowCardinality(String)' },
    { name: 'p95', type: 'Nullable(Float64)' },
  ],
  rows: [
    { time: '2026-01-01 00:00:00', service: 'a', p95: 1 },
    { time: '2026-01-01 00:00:00', service: 'b', p95: 0.2 },
    { time: '2026-01-01 00:01:00', service: 'a', p95: null },
    { time: '2026-01-01 00:01:00', service: 'b', p95: 0.4 },
    { time: '2026-01-01 00:02:00', service: 'a', p95: 4 },
  ],
};

describe('valuesFromResult', () => {
  it('turns long rows into one series per numeric column and label set (format 0)', () => {
    const v = valuesFromResult(timeSeries, 0);
    expect(v.kind).toBe('series');
    if (v.kind !== 'series') return;
    expect(v.series.map((s) => [s.name, s.labels, s.points.map((p) => p.value)])).toEqual([
      ['p95', { service: 'a' }, [1, null, 4]],
      ['p95', { service: 'b' }, [0.2, 0.4]],
    ]);
    expect(v.series[0]?.points[1]?.time).toBe(Date.UTC(2026, 0, 1, 0, 1));
  });

  it('turns table rows into labelled numbers and insists on one numeric column (format 1)', () => {
    const table: QueryResult = {
      columns: [
        { name: 'monitor', type: 'String' },
        { name: 'missed', type: 'Float64' },
      ],
      rows: [{ monitor: 'x', missed: 2 }],
    };
    expect(valuesFromResult(table, 1)).toEqual({ kind: 'numbers', numbers: [{ labels: { monitor: 'x' }, value: 2 }] });
    expect(() => valuesFromResult({ ...table, columns: [...table.columns, { name: 'n', type: 'UInt64' }] }, 1)).toThrow(
      /exactly one numeric column/,
    );
    expect(() => valuesFromResult(table, 0)).toThrow(/time column first/);
  });
});

describe('reduce', () => {
  const series = valuesFromResult(timeSeries, 0);
  const by = (reducer: Parameters<typeof reduceValues>[1]) => reduceValues(series, reducer).map((n) => n.value);

  it('drops nulls with dropNN', () => {
    expect(by('last')).toEqual([4, 0.4]);
    expect(by('mean')).toEqual([2.5, (0.2 + 0.4) / 2]);
    expect(by('max')).toEqual([4, 0.4]);
    expect(by('min')).toEqual([1, 0.2]);
    expect(by('sum')).toEqual([5, 0.2 + 0.4]);
    expect(by('count')).toEqual([2, 2]);
  });

  it('gives NaN for a series with a null in strict mode, and passes numbers through', () => {
    expect(reduceValues(series, 'mean', 'strict').map((n) => n.value)).toEqual([NaN, (0.2 + 0.4) / 2]);
    const numbers = { kind: 'numbers' as const, numbers: [{ labels: {}, value: 3 }] };
    expect(reduceValues(numbers, 'sum')).toEqual(numbers.numbers);
  });
});

describe('threshold', () => {
  const numbers = [0.5, 1, 1.5, NaN].map((value, i) => ({ labels: { i: String(i) }, value }));
  const t = (type: 'gt' | 'lt' | 'within_range' | 'outside_range', params: number[]) =>
    threshold(numbers, { type, params }).map((n) => n.value);

  it('compares strictly and leaves NaN undecided', () => {
    expect(t('gt', [1])).toEqual([0, 0, 1, null]);
    expect(t('lt', [1])).toEqual([1, 0, 0, null]);
    expect(t('within_range', [0.6, 1.6])).toEqual([0, 1, 1, null]);
    expect(t('outside_range', [0.6, 1.2])).toEqual([1, 0, 1, null]);
  });
});

describe('math', () => {
  const A = [
    { labels: { service: 'a' }, value: 0.02 },
    { labels: { service: 'b' }, value: 0.001 },
  ];
  const B = [
    { labels: { service: 'a' }, value: 100 },
    { labels: { service: 'b' }, value: 5 },
  ];

  it('applies scalars to every item and joins items on labels', () => {
    expect(math('$A > 0.01', { A }).map((n) => n.value)).toEqual([1, 0]);
    expect(math('${A} * 100 + 1', { A }).map((n) => n.value)).toEqual([3, 1.1]);
    expect(math('$A > 0.01 && $B >= 20', { A, B }).map((n) => n.value)).toEqual([1, 0]);
    expect(math('($A + $A) / 2 == $A', { A }).map((n) => n.value)).toEqual([1, 1]);
    expect(math('-$B < 0 || !$B', { B }).map((n) => n.value)).toEqual([1, 1]);
  });

  it('names what it cannot evaluate', () => {
    expect(() => math('$C > 1', { A })).toThrow(/unknown reference \$C/);
    expect(() => math('$A >', { A })).toThrow(/unexpected end/);
    expect(() => math('$A # 1', { A })).toThrow(/cannot parse/);
  });
});
