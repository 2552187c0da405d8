/** An alert rule as data: one ClickHouse query, a reduce and a threshold expression, routing labels. */
import type { ClickHouseFormat } from '../clickhouse-query.js';

export type Reducer = 'last' | 'mean' | 'max' | 'min' | 'sum' | 'count';
export type ThresholdType = 'gt' | 'lt' | 'within_range' | 'outside_range';
export type NoDataState = 'NoData' | 'Alerting' | 'OK' | 'KeepLast';
export type ExecErrState = 'Error' | 'Alerting' | 'OK' | 'KeepLast';
export type Severity = 'critical' | 'warning' | 'info';

export interface AlertRuleSpec {
  uid: string;
  title: string;
  /** Rule group (evaluated together, every `interval`). */
  group: string;
  severity: Severity;
  sql: string;
  format: ClickHouseFormat.TimeSeries | ClickHouseFormat.Table;
  /** Seconds before now the query looks back. */
  lookbackSeconds: number;
  /** Interval of $__timeInterval / time series buckets (Grafana's default of 1 s is never what we want). */
  intervalMs: number;
  reducer: Reducer;
  threshold: { type: ThresholdType; params: number[] };
  /** How long the condition must hold before the alert fires, e.g. "2m". */
  for: string;
  noDataState: NoDataState;
  execErrState: ExecErrState;
  /** Why these states: written into the provisioning file next to the rule. */
  stateRationale: string;
  /** One line for the notification; Go template over the alert's labels and values. */
  summary: string;
  /** What to look at first. */
  firstLook: string;
  dashboard: { uid: string; panelTitle: string };
}

export const RULE_FOLDER = 'tc9-observability';
export const RULE_GROUP_INTERVAL = '1m';
