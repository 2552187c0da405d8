import { describe, expect, it } from 'vitest';
import { expandMacros } from '../../src/queries/macros.js';

// Expected texts follow the plugin's pkg/macros/macros.go (v4.20); the timeFilter/timeGroup vectors are the team's notes'.
const range = { from: new Date('2014-11-12T11:45:26.123Z'), to: new Date('2015-11-12T11:45:26.456Z'), intervalMs: 30_000 };

describe('expandMacros (Grafana ClickHouse plugin v4.20)', () => {
  it.each([
    ['$__timeFilter(x)', 'x >= toDateTime(1415792726) AND x <= toDateTime(1447328726)'],
    ['$__timeFilter_ms(x)', 'x >= fromUnixTimestamp64Milli(1415792726123) AND x <= fromUnixTimestamp64Milli(1447328726456)'],
    ['$__dateFilter(d)', "d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')"],
    [
      '$__dateTimeFilter(d, t)',
      "(d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')) AND (t >= toDateTime(1415792726) AND t <= toDateTime(1447328726))",
    ],
    [
      '$__dt(d, t)',
      "(d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')) AND (t >= toDateTime(1415792726) AND t <= toDateTime(1447328726))",
    ],
    ['$__fromTime', 'toDateTime(1415792726)'],
    ['$__toTime', 'toDateTime(1447328726)'],
    ['$__fromTime_ms', 'fromUnixTimestamp64Milli(1415792726123)'],
    ['$__toTime_ms', 'fromUnixTimestamp64Milli(1447328726456)'],
    ['$__timeFrom(c)', 'c >= toDateTime(1415792726)'],
    ['$__timeTo(c)', 'c <= toDateTime(1447328726)'],
    ['$__timeInterval(ts)', 'toStartOfInterval(toDateTime(ts), INTERVAL 30 second)'],
    ['$__timeInterval_ms(ts)', 'toStartOfInterval(toDateTime64(ts, 3), INTERVAL 30000 millisecond)'],
    ['$__timeGroup(ts, 5m)', 'toStartOfInterval(toDateTime(ts), INTERVAL 300 second)'],
    ['$__interval_s', '30'],
    ['$__interval_ms', '30000'],
    ['$__interval', '30s'],
  ])('%s', (macro, expanded) => {
    expect(expandMacros(`SELECT ${macro} FROM t`, range)).toBe(`SELECT ${expanded} FROM t`);
  });

  it('expands innermost first and keeps nested parentheses in arguments', () => {
    expect(expandMacros('WHERE $__timeFilter(toDateTime64(ts, 3)) GROUP BY $__timeGroup(ts, $__interval)', range)).toBe(
      'WHERE toDateTime64(ts, 3) >= toDateTime(1415792726) AND toDateTime64(ts, 3) <= toDateTime(1447328726) GROUP BY toStartOfInterval(toDateTime(ts), INTERVAL 30 second)',
    );
  });

  it('uses at least one second for sub-second intervals and the largest unit for $__interval', () => {
    expect(expandMacros('$__interval_s $__timeInterval(t) $__interval', { ...range, intervalMs: 200 })).toBe(
      '1 toStartOfInterval(toDateTime(t), INTERVAL 1 second) 200ms',
    );
    expect(expandMacros('$__interval', { ...range, intervalMs: 7_200_000 })).toBe('2h');
  });

  it('leaves unknown macros and other text alone', () => {
    expect(expandMacros("SELECT '$__unknown(x)', $__conditionalAll(a, $v) FROM t", range)).toBe(
      "SELECT '$__unknown(x)', $__conditionalAll(a, $v) FROM t",
    );
  });

  it('names the macro when the arity is wrong', () => {
    expect(() => expandMacros('$__timeFilter(a, b)', range)).toThrow(/timeFilter expects 1/);
  });
});
