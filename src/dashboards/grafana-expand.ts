/**
 * Expands a Grafana panel's or alert rule's ClickHouse SQL the way Grafana and grafana-clickhouse-datasource
 * 4.20 do before the SQL reaches ClickHouse, so the dashboard tests and the benchmark run it on chDB:
 *
 *   dashboard panels and variables: frontend steps first
 *     1. $__conditionalAll(cond, $var)  -> 1=1 when $var is All or empty, else cond (plugin's applyConditionalAll,
 *        processed from the last occurrence backwards, arguments split at top-level commas)
 *     2. template variables ($var, ${var}): an array value -> 'a','b' (the plugin's formatter), a single value raw;
 *        ${var:sqlstring} (Grafana's format): each value quoted, ' doubled, comma-separated;
 *        All -> every option, as an array; $__interval / $__interval_ms are Grafana's scoped built-ins
 *   then the backend: comments blanked (below), then the macros (src/queries/macros.ts, the plugin's Go macros).
 *   alert rules: the backend only (no variables, no $__conditionalAll in alerting).
 * tests/dashboards/plugin-backend.test.ts runs every committed query through the plugin's own Go backend and
 * checks that this expansion is the SQL the plugin executes.
 */
import { expandMacros } from '../queries/macros.js';

/** Grafana's stored value for "All" on a variable with includeAll and no custom all value. */
export const ALL = '$__all';

export interface TemplateVariable {
  /** A single value (inserted raw) or several (quoted list); ALL or [ALL] selects every option. */
  current: string | string[];
  /** The variable's options, needed when current is All. */
  options?: string[];
}

export interface TimeRange {
  from: Date;
  to: Date;
  /** The panel's (or alert query's) interval in ms: $__interval_s, $__timeInterval(...). */
  intervalMs: number;
}

export interface PanelQueryContext extends TimeRange {
  variables: Record<string, TemplateVariable>;
}

const CONDITIONAL_ALL = '$__conditionalAll(';

/** Arguments of the macro whose '(' is at `open`, split at commas of bracket depth 1 (the plugin's getMacroArgs). */
function macroArgs(sql: string, open: number): string[] | undefined {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (c === ',' && depth === 1) {
      args.push(sql.slice(start, i));
      start = i + 1;
    }
    if (depth === 0) {
      args.push(sql.slice(start, i));
      return args;
    }
  }
  return undefined;
}

function isAll(variable: TemplateVariable | undefined): boolean {
  if (!variable) return false;
  const value = Array.isArray(variable.current) ? variable.current.join(',') : variable.current;
  return value === '' || value === ALL;
}

export function applyConditionalAll(sql: string, variables: Record<string, TemplateVariable>): string {
  let out = sql;
  let at = out.lastIndexOf(CONDITIONAL_ALL);
  while (at !== -1) {
    const args = macroArgs(out, at + CONDITIONAL_ALL.length - 1);
    // The plugin gives up on the whole query when a call does not have exactly two arguments.
    if (args?.length !== 2) return out;
    const [condition = '', variableArg = ''] = args;
    const name = /(?<=\$\{)\w+(?=\})|(?<=\$)\w+/.exec(variableArg.trim())?.[0];
    const phrase = name !== undefined && isAll(variables[name]) ? '1=1' : condition;
    out = out.replace(`${CONDITIONAL_ALL}${condition},${variableArg})`, phrase);
    at = out.lastIndexOf(CONDITIONAL_ALL);
  }
  return out;
}

function formatValue(name: string, variable: TemplateVariable, format: string | undefined): string {
  let value: string | string[] = variable.current;
  if (isAll(variable) && value !== '') {
    if (!variable.options) throw new Error(`variable $${name} is All but the test gave no options`);
    value = variable.options;
  }
  if (format === 'sqlstring') return (Array.isArray(value) ? value : [value]).map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
  if (format !== undefined) throw new Error(`variable format \${${name}:${format}} is not supported by this helper`);
  return Array.isArray(value) ? `'${value.join("','")}'` : value;
}

/** Grafana's templateSrv.replace with the plugin's formatter; unknown names (macros, built-ins) stay as written. */
export function replaceVariables(sql: string, variables: Record<string, TemplateVariable>, range: TimeRange): string {
  const builtins: Record<string, string> = {
    __interval: grafanaInterval(range.intervalMs),
    __interval_ms: String(range.intervalMs),
  };
  return sql.replace(
    /\$\{(\w+)(?::([^}]+))?\}|\$(\w+)/g,
    (match, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      if (name in builtins && format === undefined) return builtins[name] as string;
      const variable = variables[name];
      if (!variable) {
        if (name.startsWith('__')) return match;
        throw new Error(`unknown template variable $${name} in panel SQL`);
      }
      return formatValue(name, variable, format);
    },
  );
}

/** Grafana's interval text (1s, 30s, 1m, 5m, 1h, 1d): used for $__interval. */
function grafanaInterval(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * The plugin's backend (macropro's Interpolate with LineComment | BlockComment | BackslashEscape) blanks SQL
 * comments before expanding macros, so that a macro in a comment is not expanded: each byte of a `--` comment
 * (to the end of the line) or a block comment becomes a space, outside '...' and "..." literals (backslash
 * escapes and doubled quotes honoured). It does so only when the SQL contains `$__` at all.
 */
export function blankComments(sql: string): string {
  if (!sql.includes('$__')) return sql;
  let out = '';
  let i = 0;
  const spaces = (text: string) => ' '.repeat(Buffer.byteLength(text));
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\' && j + 1 < sql.length) j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) {
          j++;
          break;
        } else j++;
      }
      out += sql.slice(i, j);
      i = j;
    } else if (c === '-' && sql[i + 1] === '-') {
      let j = i;
      while (j < sql.length && sql[j] !== '\n' && sql[j] !== '\r') j++;
      out += spaces(sql.slice(i, j));
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      const j = close < 0 ? sql.length : close + 2;
      out += spaces(sql.slice(i, j));
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** SQL of a dashboard panel or query variable as ClickHouse receives it. */
export function expandPanelSql(sql: string, ctx: PanelQueryContext): string {
  const frontend = replaceVariables(applyConditionalAll(sql, ctx.variables), ctx.variables, ctx);
  return expandMacros(blankComments(frontend), { from: ctx.from, to: ctx.to, intervalMs: ctx.intervalMs });
}

/** SQL of an alert rule's query as ClickHouse receives it: the backend steps only. */
export function expandAlertSql(sql: string, range: TimeRange): string {
  return expandMacros(blankComments(sql), { from: range.from, to: range.to, intervalMs: range.intervalMs });
}
