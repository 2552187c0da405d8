/**
 * Dashboard variables. service, environment and route are ClickHouse query variables (multi-value, All by
 * default); panels use them as `$__conditionalAll(<column> IN ($var), $var)` so "All" costs no filter.
 */
import {
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableHide,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE } from './datasource.js';
import { JOURNEYS_SQL } from './sql/journeys.js';
import { VARIABLE_SQL } from './sql/variables.js';

export const VARIABLE = {
  service: 'service',
  environment: 'environment',
  route: 'route',
  experiment: 'experiment',
  sentryTraceUrl: 'sentry_trace_url',
} as const;

/** What Grafana stores for "All" on a variable with includeAll and no custom all value. */
export const ALL_VALUE = '$__all';

function queryVariable(name: string, label: string, sql: string, description: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(CLICKHOUSE_DATASOURCE)
    .query({ editorType: 'sql', rawSql: sql })
    .definition(sql)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: ['All'], value: [ALL_VALUE] });
}

export const serviceVariable = () =>
  queryVariable(VARIABLE.service, 'Service', VARIABLE_SQL.services, 'service.name of the instrumented services');

export const environmentVariable = () =>
  queryVariable(VARIABLE.environment, 'Environment', VARIABLE_SQL.environments, 'deployment.environment.name');

export const routeVariable = () =>
  queryVariable(VARIABLE.route, 'Route', VARIABLE_SQL.routes, 'http.route of server spans of the selected services');

/** One experiment at a time (the experiment_conversion named query takes a single key). */
export const experimentVariable = () =>
  new QueryVariableBuilder(VARIABLE.experiment)
    .label('Experiment')
    .description('tc9.experiment.key of the experiment to compare variants of')
    .datasource(CLICKHOUSE_DATASOURCE)
    .query({ editorType: 'sql', rawSql: JOURNEYS_SQL.experimentKeys })
    .definition(JOURNEYS_SQL.experimentKeys)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(false)
    .includeAll(false);

/** Base of Sentry's trace view; trace ids in tables link to `<base>/<trace id>/`. */
export const sentryTraceUrlVariable = (defaultUrl: string) =>
  new TextBoxVariableBuilder(VARIABLE.sentryTraceUrl)
    .label('Sentry trace view')
    .description("Base URL of Sentry's trace view, e.g. https://<org>.sentry.io/explore/traces/trace")
    .defaultValue(defaultUrl)
    .current({ selected: true, text: defaultUrl, value: defaultUrl })
    .hide(VariableHide.DontHide);
