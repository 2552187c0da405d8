/**
 * A small text table for terminals and logs: a header, a rule, one line per row, columns separated by two
 * spaces, numbers right-aligned. Plain characters only, so output stays readable when piped or captured.
 */

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Per column; default left. */
  align?: readonly Align[];
  /** Prefix of every line (e.g. indentation). */
  indent?: string;
}

/** Display width: code points (good enough for the ASCII and Latin text of our tables). */
const width = (s: string) => [...s].length;

function pad(text: string, size: number, align: Align): string {
  const fill = ' '.repeat(Math.max(size - width(text), 0));
  return align === 'right' ? fill + text : text + fill;
}

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const indent = options.indent ?? '';
  const sizes = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const align = (i: number): Align => options.align?.[i] ?? 'left';
  const line = (cells: readonly string[]) =>
    indent +
    sizes
      .map((size, i) => pad(cells[i] ?? '', size, align(i)))
      .join('  ')
      .trimEnd();
  return [line(header), indent + sizes.map((s) => '-'.repeat(s)).join('  '), ...rows.map(line)].join('\n');
}

/** Shortens text longer than `max` code points, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(max - 1, 1)).join('')}…`;
}
