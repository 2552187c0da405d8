/** What the report shows, read from the store with the named queries (src/queries) over the demo's window. */
import { findQuery, runQuery } from '../../queries/index.js';
import type { Store } from '../../store/store.js';

/**
 * The journey dashboard's funnel (src/dashboards/sql/journeys.ts). Not "viewed results" after "ran it": that
 * would be feature.used, which the template picker of the next migration also sends, so every user who ran a
 * migration and came back would count as having viewed its results.
 */
export const FUNNEL_STEPS = [
  { event: 'user.login', label: 'Signed in' },
  { event: 'organisation.connected', label: 'Connected an organisation' },
  { event: 'migration.created', label: 'Created a migration' },
  { event: 'migration.executed', label: 'Ran it' },
] as const;

export interface ReportData {
  from: Date;
  to: Date;
  service: string;
  routes: { route: string; method: string; requests: number; perSecond: number; errors: number; p95Ms: number }[];
  overTime: { t: number; requestsPerSecond: number; p95Ms: number; errorRate: number }[];
  /** The time buckets of overTime. */
  intervalMs: number;
  phases: { phase: string; executions: number; failed: number; recordsProcessed: number; recordsPerSecond: number; p95Ms: number }[];
  templates: { template: string; runs: number; succeeded: number; failed: number; successRate: number }[];
  funnel: { label: string; event: string; users: number; conversion: number; dropOffRate: number }[];
  errorsByCategory: { category: string; occurrences: number }[];
  /** traceId: the trace of the group's latest occurrence ('' when it was captured outside a trace). */
  errorGroups: { type: string; message: string; category: string; occurrences: number; traceId: string }[];
  dau: { day: string; users: number }[];
  experiment: { variant: string; users: number; converted: number; rate: number }[];
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0)) || 0;
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** The store's DateTime text ('2026-12-01 13:14:00') as epoch ms (UTC, as the store keeps it). */
export function storeTime(value: unknown): number {
  const text = str(value);
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
}

export async function collectReportData(
  store: Store,
  range: { from: Date; to: Date; service: string },
  experiment: { key: string; conversionEvent: string },
): Promise<ReportData> {
  const run = (name: string, params: Record<string, unknown> = {}, intervalMs?: number) =>
    runQuery<Row>(store, findQuery(name), { from: range.from, to: range.to, params, ...(intervalMs !== undefined && { intervalMs }) });
  const seconds = Math.max(1, (range.to.getTime() - range.from.getTime()) / 1000);
  // About 40 points over the window, whole seconds.
  const intervalMs = Math.max(1000, Math.round((seconds * 1000) / 40 / 1000) * 1000);

  // One after the other: the embedded engine runs one query of a session at a time anyway.
  const routes = await run('http_route_latency', { service: range.service });
  const overTime = await run('http_red_over_time', { service: range.service }, intervalMs);
  const phases = await run('migration_phase_breakdown');
  const templates = await run('migration_throughput');
  const funnel = await run('funnel', { steps: FUNNEL_STEPS.map((s) => s.event), window_s: 86_400 });
  const groups = await run('error_groups', { service: range.service, limit: 1000 });
  const dau = await run('active_users');
  const variants = await run('experiment_conversion', { experiment: experiment.key, conversion_event: experiment.conversionEvent });

  const byCategory = new Map<string, number>();
  for (const g of groups)
    byCategory.set(str(g.category) || 'unclassified', (byCategory.get(str(g.category) || 'unclassified') ?? 0) + num(g.occurrences));

  return {
    from: range.from,
    to: range.to,
    service: range.service,
    intervalMs,
    routes: routes.map((r) => ({
      route: str(r.route),
      method: str(r.method),
      requests: num(r.requests),
      perSecond: num(r.requests) / seconds,
      errors: num(r.errors),
      p95Ms: num(r.p95_ms),
    })),
    overTime: overTime.map((r) => ({
      t: storeTime(r.time),
      requestsPerSecond: num(r.requests_per_s),
      p95Ms: num(r.p95_ms),
      errorRate: num(r.error_rate),
    })),
    phases: phases.map((r) => ({
      phase: str(r.phase),
      executions: num(r.executions),
      failed: num(r.failed),
      recordsProcessed: num(r.records_processed),
      recordsPerSecond: num(r.records_per_second),
      p95Ms: num(r.p95_ms),
    })),
    templates: templates.map((r) => ({
      template: str(r.template) || '(none)',
      runs: num(r.runs),
      succeeded: num(r.succeeded),
      failed: num(r.failed),
      successRate: num(r.success_rate),
    })),
    funnel: funnel.map((r) => {
      const step = num(r.step);
      return {
        label: FUNNEL_STEPS[step - 1]?.label ?? str(r.event),
        event: str(r.event),
        users: num(r.users),
        conversion: num(r.conversion),
        dropOffRate: num(r.drop_off_rate),
      };
    }),
    errorsByCategory: [...byCategory]
      .map(([category, occurrences]) => ({ category, occurrences }))
      .sort((a, b) => b.occurrences - a.occurrences),
    errorGroups: groups.slice(0, 10).map((g) => ({
      type: str(g.error_type),
      message: str(g.message),
      category: str(g.category),
      occurrences: num(g.occurrences),
      traceId: str(g.last_trace_id),
    })),
    dau: dau.map((r) => ({ day: str(r.time).slice(0, 10), users: num(r.dau) })),
    experiment: variants.map((r) => ({
      variant: str(r.variant),
      users: num(r.users),
      converted: num(r.converted),
      rate: num(r.conversion_rate),
    })),
  };
}
