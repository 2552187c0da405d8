/**
 * Everything generated for Grafana, as file contents keyed by path relative to the repository root:
 * the dashboards' JSON and the alert rules' provisioning YAML.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { renderAlertRules } from './alerts/provisioning.js';
import { ALERT_RULES } from './alerts/rules.js';
import { errorsDashboard } from './boards/errors.js';
import { journeysDashboard } from './boards/journeys.js';
import { migrationsDashboard } from './boards/migrations.js';
import { performanceDashboard } from './boards/performance.js';

/** Dashboards land in a folder named after the package (the provider uses foldersFromFilesStructure). */
export const DASHBOARD_DIR = 'grafana/dashboards/tc9-observability';
export const ALERT_RULES_PATH = 'grafana/provisioning/alerting/rules.yaml';

export function dashboards(): Record<string, Dashboard> {
  return {
    performance: performanceDashboard(),
    migrations: migrationsDashboard(),
    'user-journeys': journeysDashboard(),
    errors: errorsDashboard(),
  };
}

export function renderGrafanaFiles(): Map<string, string> {
  const boards = dashboards();
  const files = new Map<string, string>();
  for (const [name, dashboard] of Object.entries(boards)) {
    files.set(`${DASHBOARD_DIR}/${name}.json`, `${JSON.stringify(dashboard, null, 2)}\n`);
  }
  files.set(ALERT_RULES_PATH, renderAlertRules(ALERT_RULES, Object.values(boards)));
  return files;
}
