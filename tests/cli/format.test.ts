/** The pieces the CLI prints with: the table renderer, cell formatting, flag value parsers. */
import { describe, expect, it } from 'vitest';
import { parseInstant, parseSeconds, parseTimeout } from '../../src/cli/options.js';
import { renderTable, truncate } from '../../src/cli/table.js';
import { formatCell, formatView } from '../../src/cli/views.js';

describe('renderTable', () => {
  it('pads columns to their widest cell, numbers to the right', () => {
    const text = renderTable(
      ['route', 'requests'],
      [
        ['/orders/:id', '4'],
        ['/', '120'],
      ],
      { align: ['left', 'right'], indent: '  ' },
    );
    expect(text).toBe(
      ['  route        requests', '  -----------  --------', '  /orders/:id         4', '  /                 120'].join('\n'),
    );
  });

  it('truncates long text with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
});

describe('formatCell', () => {
  it.each([
    ['error_rate', 0.25, '25.0%'],
    ['share', 1 / 3, '33.3%'],
    ['p95_ms', 344.2, '344'],
    ['p95_ms', 12.345, '12.3'],
    ['avg_duration_s', 1.2345, '1.23'],
    ['requests', 4, '4'],
    ['releases', ['a@1', 'a@2'], 'a@1, a@2'],
    ['last_seen', '2026-01-31 12:00:01.123456789', '2026-01-31 12:00:01'],
    ['p50_ms', null, ''],
    ['message', 'line one\n  line two', 'line one line two'],
  ])('%s %j -> %s', (column, value, text) => {
    expect(formatCell(column, value)).toBe(text);
  });
});

describe('formatView', () => {
  it('says "no data in this window" for an empty view and under each empty table', () => {
    expect(
      formatView({
        name: 'errors',
        title: 'Errors',
        tables: [{ query: 'error_groups', title: 'Error groups', columns: ['message'], rows: [] }],
      }),
    ).toBe('Errors\n  no data in this window');
    const text = formatView({
      name: 'errors',
      title: 'Errors',
      tables: [
        { query: 'error_groups', title: 'Error groups', columns: ['message', 'occurrences'], rows: [{ message: 'boom', occurrences: 2 }] },
        { query: 'errors_by_release', title: 'Errors per release', columns: ['release'], rows: [] },
      ],
    });
    expect(text).toContain('  Error groups\n    message  occurrences\n    -------  -----------\n    boom               2');
    expect(text).toContain('  Errors per release\n    no data in this window');
  });
});

describe('flag values', () => {
  const now = Date.parse('2026-01-31T12:00:00Z');

  it('reads --since/--until as spans back from now, now, or ISO dates', () => {
    expect(parseInstant('24h', now).toISOString()).toBe('2026-01-30T12:00:00.000Z');
    expect(parseInstant('7d', now).toISOString()).toBe('2026-01-24T12:00:00.000Z');
    expect(parseInstant('30m', now).toISOString()).toBe('2026-01-31T11:30:00.000Z');
    expect(parseInstant('now', now).getTime()).toBe(now);
    expect(parseInstant('2026-01-01', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseInstant('2026-01-01T08:00:00+02:00', now).toISOString()).toBe('2026-01-01T06:00:00.000Z');
    for (const bad of ['yesterday', '24', '-1h', '2026-13-45']) expect(() => parseInstant(bad, now), bad).toThrow(/like 24h, 7d/);
  });

  it('reads timeouts and durations as seconds or spans', () => {
    expect(parseTimeout('2s')).toBe(2000);
    expect(parseTimeout('500ms')).toBe(500);
    expect(parseTimeout('3')).toBe(3000);
    expect(parseSeconds('2m')).toBe(120);
    for (const bad of ['0', 'soon', '-1s']) expect(() => parseTimeout(bad), bad).toThrow(/like 2s/);
  });
});
