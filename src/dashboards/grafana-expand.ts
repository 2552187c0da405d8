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
 *   then the backend macros (src/queries/macros.ts, the plugin's Go macros).
 *   alert rules: the backend macros only (no variables, no $__conditionalAll in alerting).
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
    if (!args || args.length !== 2) return out;
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
  return sql.replace(/\$\{(\w+)(?::([^}]+))?\}|\$(\w+)/g, (match, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    if (name in builtins && format === undefined) return builtins[name] as string;
    const variable = variables[name];
    if (!variable) {
      if (name.startsWith('__')) return match;
      throw new Error(`unknown template variable $${name} in panel SQL`);
    }
    return formatValue(name, variable, format);
  });
}

/** Grafana's interval text (1s, 30s, 1m, 5m, 1h, 1d): used for $__interval. */
function grafanaInterval(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** SQL of a dashboard panel or query variable as ClickHouse receives it. */
export function expandPanelSql(sql: string, ctx: PanelQueryContext): string {
  const frontend = replaceVariables(applyConditionalAll(sql, ctx.variables), ctx.variables, ctx);
  return expandMacros(frontend, { from: ctx.from, to: ctx.to, intervalMs: ctx.intervalMs });
}

/** SQL of an alert rule's query as ClickHouse receives it: backend macros only. */
export function expandAlertSql(sql: string, range: TimeRange): string {
  return expandMacros(sql, { from: range.from, to: range.to, intervalMs: range.intervalMs });
}
