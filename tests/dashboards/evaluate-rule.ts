/**
 * Evaluates a provisioned alert rule (as read from grafana/provisioning/alerting/rules.yaml) against a store
 * at a given time: the ClickHouse query with the backend macros over its relative time range and
 * interval, then each expression in order, then the rule's no-data state.
 */
import type { ProvisionedRule as FullRule } from '../../src/dashboards/alerts/provisioning.js';
import type { Store } from '../../src/store/store.js';
import { expandAlertSql } from '../helpers/grafana.js';
import { runSql } from './frames.js';
import { math, reduceValues, threshold, valuesFromResult, type Evaluator, type LabeledNumber, type Reducer, type Values } from './sse.js';

/** What evaluation reads of a rule as provisioned (the file's shape is the generator's, src/dashboards/alerts). */
export type ProvisionedRule = Pick<FullRule, 'uid' | 'title' | 'condition' | 'data' | 'noDataState' | 'execErrState'>;

export interface RuleOutcome {
  state: 'Alerting' | 'Normal' | 'NoData' | 'KeepLast';
  firing: LabeledNumber[];
  /** The condition's values per instance (1 = condition met). */
  condition: LabeledNumber[];
}

export async function evaluateRule(rule: ProvisionedRule, store: Store, now: number): Promise<RuleOutcome> {
  const results = new Map<string, Values | LabeledNumber[]>();
  let noData = false;
  for (const q of rule.data) {
    const model = q.model;
    if (q.datasourceUid !== '__expr__') {
      const intervalMs = Number(model.intervalMs);
      const sql = expandAlertSql(String(model.rawSql), {
        from: new Date(now - q.relativeTimeRange.from * 1000),
        to: new Date(now - q.relativeTimeRange.to * 1000),
        intervalMs,
      });
      const result = await runSql(store, sql);
      if (result.rows.length === 0) noData = true;
      results.set(q.refId, valuesFromResult(result, Number(model.format)));
      continue;
    }
    const input = (ref: unknown) => {
      const v = results.get(String(ref));
      if (!v) throw new Error(`${rule.uid}: expression ${q.refId} refers to unknown ${String(ref)}`);
      return v;
    };
    const asNumbers = (v: Values | LabeledNumber[]): LabeledNumber[] => {
      if (Array.isArray(v)) return v;
      if (v.kind === 'numbers') return v.numbers;
      throw new Error(`${rule.uid}: ${q.refId} needs numbers, got series (reduce first)`);
    };
    switch (model.type) {
      case 'reduce': {
        const v = input(model.expression);
        const settings = (model.settings ?? {}) as { mode?: string };
        results.set(
          q.refId,
          Array.isArray(v) ? v : reduceValues(v, model.reducer as Reducer, settings.mode === 'dropNN' ? 'dropNN' : 'strict'),
        );
        break;
      }
      case 'threshold': {
        const conditions = model.conditions as Array<{ evaluator: Evaluator }>;
        results.set(q.refId, threshold(asNumbers(input(model.expression)), (conditions[0] as { evaluator: Evaluator }).evaluator));
        break;
      }
      case 'math': {
        const vars = Object.fromEntries(
          [...results].map(([ref, v]) => [ref, Array.isArray(v) ? v : v.kind === 'numbers' ? v.numbers : []]),
        );
        results.set(q.refId, math(String(model.expression), vars));
        break;
      }
      default:
        throw new Error(`${rule.uid}: unsupported expression type ${String(model.type)}`);
    }
  }
  const conditionValues = results.get(rule.condition);
  if (!conditionValues || !Array.isArray(conditionValues))
    throw new Error(`${rule.uid}: condition ${rule.condition} is not an expression result`);
  if (noData) {
    const state =
      rule.noDataState === 'Alerting' ? 'Alerting' : rule.noDataState === 'OK' ? 'Normal' : (rule.noDataState as 'NoData' | 'KeepLast');
    return { state, firing: [], condition: [] };
  }
  const firing = conditionValues.filter((n) => n.value !== null && n.value !== 0);
  return { state: firing.length > 0 ? 'Alerting' : 'Normal', firing, condition: conditionValues };
}
