/**
 * The dashboards' SQL as ClickHouse receives it from Grafana and the ClickHouse plugin (4.20): panels and
 * query variables of the generated dashboards (src/dashboards), with $__conditionalAll and template
 * variables expanded the way the frontend does, then the plugin's backend macros (src/queries/macros.ts).
 * tests/helpers/grafana.ts is the tests' version of the same steps; the bench test checks both agree.
 */
import { DASHBOARD_DIR, renderGrafanaFiles } from '../src/dashboards/render.js';
import { expandMacros } from '../src/queries/macros.js';

export interface DashboardVariable {
  name: string;
  type: string;
  includeAll: boolean;
  /** SQL of a query variable. */
  sql?: string;
}

export interface DashboardPanel {
  id: number;
  title: string;
  type: string;
  sql: string;
}

export interface DashboardQueries {
  /** File name without .json, e.g. "performance". */
  name: string;
  title: string;
  variables: DashboardVariable[];
  panels: DashboardPanel[];
}

interface PanelJson {
  id: number;
  type: string;
  title: string;
  targets?: Array<{ rawSql?: string }>;
}
interface DashboardJson {
  title: string;
  panels: PanelJson[];
  templating: { list: Array<{ name: string; type: string; includeAll?: boolean; query?: { rawSql?: string } | string }> };
}

/** Every generated dashboard's panels (rows skipped) and variables, in dashboard order. */
export function dashboardQueries(): DashboardQueries[] {
  const out: DashboardQueries[] = [];
  for (const [path, content] of renderGrafanaFiles()) {
    if (!path.startsWith(`${DASHBOARD_DIR}/`)) continue;
    const d = JSON.parse(content) as DashboardJson;
    out.push({
      name: path.slice(DASHBOARD_DIR.length + 1).replace(/\.json$/, ''),
      title: d.title,
      variables: d.templating.list.map((v) => ({
        name: v.name,
        type: v.type,
        includeAll: v.includeAll === true,
        ...(v.type === 'query' && { sql: typeof v.query === 'string' ? v.query : (v.query?.rawSql ?? '') }),
      })),
      panels: d.panels
        .filter((p) => p.type !== 'row' && p.targets?.[0]?.rawSql)
        .map((p) => ({ id: p.id, title: p.title, type: p.type, sql: p.targets![0]!.rawSql! })),
    });
  }
  return out;
}

/**
 * A variable's current value: All (with the options its query returned), the values selected on a
 * multi-value variable (quoted as a list, even just one), or a single-value variable's value (inserted raw).
 */
export type VariableValue = { all: true; options: string[] } | { values: string[] } | { value: string };

const valuesOf = (v: VariableValue): string[] => ('all' in v ? v.options : 'values' in v ? v.values : [v.value]);

export interface PanelRange {
  from: Date;
  to: Date;
  intervalMs: number;
}

const CONDITIONAL_ALL = '$__conditionalAll(';

/** Arguments of the call whose '(' is at `open`, split at depth-1 commas (the plugin's getMacroArgs). */
function callArgs(sql: string, open: number): string[] | undefined {
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

/** $__conditionalAll(condition, $var): 1=1 when $var is All, else the condition; last occurrence first, as the plugin does. */
export function applyConditionalAll(sql: string, variables: Record<string, VariableValue>): string {
  let out = sql;
  for (let at = out.lastIndexOf(CONDITIONAL_ALL); at !== -1; at = out.lastIndexOf(CONDITIONAL_ALL)) {
    const args = callArgs(out, at + CONDITIONAL_ALL.length - 1);
    if (!args || args.length !== 2) return out;
    const [condition = '', variableArg = ''] = args;
    const name = /(?<=\$\{)\w+(?=\})|(?<=\$)\w+/.exec(variableArg.trim())?.[0];
    const value = name === undefined ? undefined : variables[name];
    const isAll = value !== undefined && ('all' in value || ('values' in value && value.values.length === 0));
    out = out.replace(`${CONDITIONAL_ALL}${condition},${variableArg})`, isAll ? '1=1' : condition);
  }
  return out;
}

/** Template variables: ${v:sqlstring} quotes each value; several values 'a','b'; one value raw. Built-ins ($__...) stay for the macros. */
export function replaceVariables(sql: string, variables: Record<string, VariableValue>): string {
  return sql.replace(/\$\{(\w+)(?::([^}]+))?\}|\$(\w+)/g, (match, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (name.startsWith('__')) return match;
    const variable = variables[name];
    if (!variable) throw new Error(`bench: panel SQL uses $${name}, which has no value`);
    const values = valuesOf(variable);
    if (format === 'sqlstring') return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
    if (format !== undefined) throw new Error(`bench: variable format \${${name}:${format}} is not supported`);
    return 'value' in variable ? variable.value : `'${values.join("','")}'`;
  });
}

export function expandPanelSql(sql: string, variables: Record<string, VariableValue>, range: PanelRange): string {
  return expandMacros(replaceVariables(applyConditionalAll(sql, variables), variables), { from: range.from, to: range.to, intervalMs: range.intervalMs });
}
