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
