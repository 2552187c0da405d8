/**
 * The provisioned alert rules (grafana/provisioning/alerting/rules.yaml), evaluated the way Grafana does:
 * the ClickHouse query with backend macros only over the rule's time range and interval, then its own
 * reduce and threshold expressions. Each rule stays normal on the healthy scenario and fires on the
 * scenario with its incident.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLICKHOUSE_DATASOURCE } from '../../src/dashboards/datasource.js';
import type { TestStore } from '../helpers/chdb.js';
import { evaluateRule, type ProvisionedRule } from './evaluate-rule.js';
import type { Fault } from './scenario/scenario.js';
import { seededStore } from './scenario/seed.js';

interface RulesFile {
  apiVersion: number;
  groups: Array<{
    name: string;
    folder: string;
    interval: string;
    rules: Array<
      ProvisionedRule & { labels: Record<string, string>; annotations: Record<string, string>; dashboardUid: string; panelId: number }
    >;
  }>;
}

const file = parse(readFileSync(new URL('../../grafana/provisioning/alerting/rules.yaml', import.meta.url), 'utf8')) as RulesFile;
const rules = file.groups.flatMap((g) => g.rules);

/** The incident each rule exists for. */
const FAULT_OF: Record<string, Fault> = {
  'tc9-error-rate': 'errorSpike',
  'tc9-p95-latency': 'slowDatabase',
  'tc9-memory': 'memoryGrowth',
  'tc9-db-connection-errors': 'dbConnectionErrors',
  'tc9-migration-failure-rate': 'failingMigrations',
  'tc9-missed-scheduled-run': 'missedSchedule',
};

const NOW = Math.floor(Date.now() / 60_000) * 60_000;

describe('alert rules file', () => {
  it('has one rule per incident, each routed by severity and linked to a dashboard panel', () => {
    expect(file.apiVersion).toBe(1);
    expect(rules.map((r) => r.uid).sort()).toEqual(Object.keys(FAULT_OF).sort());
    const dashboards = new Map(
      ['performance', 'migrations', 'user-journeys', 'errors'].map((name) => {
        const d = JSON.parse(readFileSync(new URL(`../../grafana/dashboards/tc9-observability/${name}.json`, import.meta.url), 'utf8')) as {
          uid: string;
          panels: Array<{ id: number }>;
        };
        return [d.uid, d] as const;
      }),
    );
    for (const rule of rules) {
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.uid).toBeTruthy();
      expect(rule.annotations.description, rule.uid).toBeTruthy();
      expect(rule.annotations.dashboard_url).toBe(`/d/${rule.dashboardUid}?viewPanel=${rule.panelId}`);
      expect(
        dashboards.get(rule.dashboardUid)?.panels.map((p) => p.id),
        rule.uid,
      ).toContain(rule.panelId);
      // Provisioning expands ${VAR} in annotations and labels: none may appear there by accident.
      expect(JSON.stringify([rule.annotations, rule.labels, rule.title])).not.toContain('$');
    }
  });

  it.each(rules.map((r) => [r.uid, r] as const))(
    '%s: query A, reduce B, threshold C, explicit interval, deliberate states',
    (_uid, rule) => {
      expect(rule.condition).toBe('C');
      const [a, b, c] = rule.data;
      expect(a?.datasourceUid).toBe(CLICKHOUSE_DATASOURCE.uid);
      expect(a?.model).toMatchObject({ editorType: 'sql', datasource: CLICKHOUSE_DATASOURCE });
      expect([0, 1]).toContain(a?.model.format);
      expect(a?.model).not.toHaveProperty('queryType');
      expect(a?.relativeTimeRange.from).toBeGreaterThan(0);
      expect(b?.model).toMatchObject({ type: 'reduce', expression: 'A', settings: { mode: 'dropNN' } });
      expect(['last', 'mean', 'max', 'min', 'sum', 'count']).toContain(b?.model.reducer);
      expect(c?.model).toMatchObject({ type: 'threshold', expression: 'B' });
      for (const q of rule.data) expect(q.model.intervalMs, `${rule.uid} ${q.refId}`).toBe(60_000);
      expect(['NoData', 'Alerting', 'OK', 'KeepLast']).toContain(rule.noDataState);
      expect(['Error', 'Alerting', 'OK', 'KeepLast']).toContain(rule.execErrState);
      // Dashboard-only syntax does not work in alerting.
      expect(String(a?.model.rawSql)).not.toMatch(/\$__conditionalAll|\$\{?(service|environment|route)\b|\$__from\b|\$__to\b/);
    },
  );
});

describe('alert rules on the scenarios', () => {
  const stores = new Map<string, TestStore>();
  beforeAll(async () => {
    stores.set('healthy', await seededStore({ now: NOW }));
    for (const fault of new Set(Object.values(FAULT_OF))) stores.set(fault, await seededStore({ now: NOW, faults: [fault] }));
  }, 300_000);
  afterAll(async () => {
    for (const t of stores.values()) await t.drop();
  });

  it.each(rules.map((r) => [r.uid, r] as const))('%s stays normal while healthy', async (_uid, rule) => {
    const outcome = await evaluateRule(rule, (stores.get('healthy') as TestStore).store, NOW);
    expect(outcome.firing).toEqual([]);
    expect(outcome.state).toBe('Normal');
  });

  it.each(rules.map((r) => [r.uid, r] as const))('%s fires on its incident', async (uid, rule) => {
    const outcome = await evaluateRule(rule, (stores.get(FAULT_OF[uid] as Fault) as TestStore).store, NOW);
    expect(outcome.state).toBe('Alerting');
    expect(outcome.firing.length).toBeGreaterThan(0);
  });

  it('name the failing instance in its labels', async () => {
    const byUid = new Map(rules.map((r) => [r.uid, r]));
    const missed = await evaluateRule(
      byUid.get('tc9-missed-scheduled-run') as ProvisionedRule,
      (stores.get('missedSchedule') as TestStore).store,
      NOW,
    );
    expect(missed.firing.map((f) => f.labels.monitor).sort()).toEqual(['salesforce-sync', 'weekly-report']);
    const errors = await evaluateRule(byUid.get('tc9-error-rate') as ProvisionedRule, (stores.get('errorSpike') as TestStore).store, NOW);
    expect(errors.firing.map((f) => f.labels.service)).toEqual(['migration-service']);
  });
});
