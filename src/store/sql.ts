/**
 * Quoting for the few places where a name or value must be written into SQL text (DDL cannot take
 * query parameters). Everything else binds values as `{name:Type}` parameters.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Backquotes an identifier; rejects anything but [A-Za-z_][A-Za-z0-9_.-]* (config's rule) so no quoting games are possible. */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`tc9-observability: invalid ClickHouse identifier ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/** A ClickHouse string literal: backslash and single quote escaped, control characters as escapes. */
export function quoteString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\0/g, '\\0');
  return `'${escaped}'`;
}

/**
 * A value as a ClickHouse literal: strings quoted, finite numbers, booleans as 1/0, arrays as [..], plain
 * objects as map(key, value, ...). For values the engine must see as constants: a bound query parameter
 * is not folded into one (an insert with a Map parameter in its SELECT took 3x the CPU of the literal).
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`tc9-observability: no SQL literal for ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(sqlLiteral).join(', ')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return `map(${Object.entries(value)
      .map(([k, v]) => `${quoteString(k)}, ${sqlLiteral(v)}`)
      .join(', ')})`;
  }
  throw new Error(`tc9-observability: no SQL literal for a ${typeof value}`);
}
