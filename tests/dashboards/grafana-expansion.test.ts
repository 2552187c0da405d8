/** tests/helpers/grafana.ts: the frontend steps as Grafana and the plugin apply them, then the plugin's macros. */
import { describe, expect, it } from 'vitest';
import { ALL, applyConditionalAll, expandAlertSql, expandPanelSql, replaceVariables } from '../helpers/grafana.js';

const range = { from: new Date('2014-11-12T11:45:26.123Z'), to: new Date('2015-11-12T11:45:26.456Z'), intervalMs: 60_000 };

describe('$__conditionalAll', () => {
  it('is 1=1 for All or an empty value, the condition otherwise', () => {
    const sql = 'WHERE $__conditionalAll(ServiceName IN ($service), $service) AND $__conditionalAll(route IN (${route}), ${route})';
    expect(applyConditionalAll(sql, { service: { current: [ALL] }, route: { current: ['/a'] } })).toBe('WHERE 1=1 AND route IN (${route})');
    expect(applyConditionalAll(sql, { service: { current: '' }, route: { current: ALL } })).toBe('WHERE 1=1 AND 1=1');
  });

  it('keeps nested parentheses in the condition and leaves the query alone on a wrong argument count', () => {
    expect(applyConditionalAll('$__conditionalAll(has(arr, lower(x)), $v)', { v: { current: ['a'] } })).toBe('has(arr, lower(x))');
    expect(applyConditionalAll('$__conditionalAll(a, b, $v)', { v: { current: [ALL] } })).toBe('$__conditionalAll(a, b, $v)');
  });
});

describe('template variables', () => {
  it("quotes arrays as 'a','b', inserts single values raw, expands All to every option", () => {
    const vars = { service: { current: ['a', 'b'] }, limit: { current: '10' }, env: { current: [ALL], options: ['prod', 'test'] } };
    expect(replaceVariables('IN ($service) LIMIT ${limit} AND env IN ($env)', vars, range)).toBe(
      "IN ('a','b') LIMIT 10 AND env IN ('prod','test')",
    );
  });

  it("formats sqlstring with doubled quotes, keeps macros and replaces Grafana's interval built-ins", () => {
    const vars = { name: { current: "o'hara" } };
    expect(replaceVariables('x = ${name:sqlstring} AND $__timeFilter(t) / $__interval_s, $__interval_ms, $__interval', vars, range)).toBe(
      "x = 'o''hara' AND $__timeFilter(t) / $__interval_s, 60000, 1m",
    );
  });

  it('rejects unknown variables and formats instead of guessing', () => {
    expect(() => replaceVariables('x = $nope', {}, range)).toThrow(/unknown template variable \$nope/);
    expect(() => replaceVariables('x = ${v:csv}', { v: { current: 'a' } }, range)).toThrow(/not supported/);
    expect(() => replaceVariables('x IN ($v)', { v: { current: [ALL] } }, range)).toThrow(/no options/);
  });
});

describe('full expansion', () => {
  it('runs the frontend steps before the backend macros for panels (notes test vectors)', () => {
    const sql = 'SELECT $__timeGroup(ts, 5m) FROM t WHERE $__timeFilter(x) AND $__conditionalAll(s IN ($s), $s)';
    expect(expandPanelSql(sql, { ...range, variables: { s: { current: ['svc'] } } })).toBe(
      "SELECT toStartOfInterval(toDateTime(ts), INTERVAL 300 second) FROM t WHERE x >= toDateTime(1415792726) AND x <= toDateTime(1447328726) AND s IN ('svc')",
    );
  });

  it('gives alert rules the backend macros only', () => {
    expect(expandAlertSql('SELECT $__timeInterval(t) AS time WHERE $__timeFilter(t)', range)).toBe(
      'SELECT toStartOfInterval(toDateTime(t), INTERVAL 60 second) AS time WHERE t >= toDateTime(1415792726) AND t <= toDateTime(1447328726)',
    );
    expect(expandAlertSql('$__conditionalAll(a, $b)', range)).toBe('$__conditionalAll(a, $b)');
  });
});
