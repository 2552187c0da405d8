/**
 * Background work: a migration run every ten minutes (run span + one span per phase, as the tc9 migration
 * API emits them) with one run still in progress, and scheduled jobs reporting monitor.run spans hourly.
 */
import { ATTR, SPAN } from '../../../src/semconv.js';
import { HOUR, MINUTE, SERVICE, type ScenarioContext, type ScenarioRows } from './scenario.js';
import { hexId, seededRandom, spanRow } from './rows.js';

const PHASES = ['extract', 'transform', 'load'] as const;
const TEMPLATES = ['accounts', 'contacts', 'opportunities'] as const;

export function migrations(ctx: ScenarioContext): Partial<ScenarioRows> {
  const random = seededRandom(7);
  const spans: Record<string, unknown>[] = [];

  for (let i = 0; i < 12; i++) {
    const start = ctx.now - 115 * MINUTE + i * 10 * MINUTE;
    const runId = hexId(`run-${i}`, 16);
    const traceId = hexId(`run-trace-${i}`, 16);
    const runSpanId = hexId(`run-span-${i}`, 8);
    const template = TEMPLATES[i % TEMPLATES.length] as string;
    const total = 2000 + Math.floor(random() * 3000);
    const inLastHour = start > ctx.now - HOUR;
    // Healthy: the oldest run hit the API limit. Fault: four of the six runs of the last hour fail.
    const failure =
      i === 0
        ? 'API_LIMIT_EXCEEDED'
        : ctx.has('failingMigrations') && inLastHour && i % 3 !== 0
          ? i % 2 === 0
            ? 'UNABLE_TO_LOCK_ROW'
            : 'INVALID_FIELD_MAPPING'
          : undefined;
    const running = i === 11;

    let t = start;
    let processed = 0;
    let failedRecords = 0;
    for (const [p, phase] of PHASES.entries()) {
      const durationMs = (phase === 'transform' ? 10_000 : 25_000) * (0.8 + random() * 0.6);
      const phaseFails = failure !== undefined && phase === 'load';
      failedRecords = Math.floor(total * 0.01);
      processed = phaseFails ? Math.floor(total * 0.3) : total - failedRecords;
      spans.push(
        spanRow({
          resource: SERVICE,
          startMs: t,
          durationMs,
          name: `${SPAN.migrationPhasePrefix}${phase}`,
          kind: 'Internal',
          traceId,
          spanId: hexId(`run-${i}-${phase}`, 8),
          parentSpanId: runSpanId,
          scope: 'tc9-observability',
          status: phaseFails ? 'Error' : 'Ok',
          attributes: {
            [ATTR.runId]: runId,
            [ATTR.phase]: phase,
            [ATTR.template]: template,
            [ATTR.outcome]: phaseFails ? 'failed' : 'succeeded',
            [ATTR.recordsProcessed]: String(processed),
            [ATTR.recordsFailed]: String(failedRecords),
            [ATTR.throughput]: String(processed / (durationMs / 1000)),
            [ATTR.memoryBytes]: String(80_000_000 + p * 20_000_000),
          },
        }),
      );
      t += durationMs;
      // The run in progress has finished its extract phase only.
      if (running && phase === 'extract') break;
      if (phaseFails) break;
    }
    if (running) continue;
    spans.push(
      spanRow({
        resource: SERVICE,
        startMs: start,
        durationMs: t - start,
        name: SPAN.migrationRun,
        kind: 'Internal',
        traceId,
        spanId: runSpanId,
        scope: 'tc9-observability',
        status: failure ? 'Error' : 'Ok',
        statusMessage: failure ?? '',
        attributes: {
          [ATTR.runId]: runId,
          [ATTR.migrationId]: hexId(`project-${i % 4}`, 16),
          [ATTR.template]: template,
          [ATTR.outcome]: failure ? 'failed' : 'succeeded',
          [ATTR.sourceOrg]: 'org-production',
          [ATTR.targetOrg]: 'org-sandbox',
          [ATTR.recordsTotal]: String(total),
          [ATTR.recordsProcessed]: String(processed),
          [ATTR.recordsFailed]: String(failedRecords),
          ...(failure && { [ATTR.failureReason]: failure }),
        },
      }),
    );
  }
  return { spans };
}

/** Hourly jobs: their monitor.run spans (tc9 scheduled-job monitors), over the last day. */
export function monitors(ctx: ScenarioContext): Partial<ScenarioRows> {
  const spans: Record<string, unknown>[] = [];
  const run = (slug: string, start: number, status: string, k: number) =>
    spans.push(
      spanRow({
        resource: SERVICE,
        startMs: start,
        durationMs: status === 'missed' ? 0 : 30_000,
        name: SPAN.monitorRun,
        kind: 'Internal',
        traceId: hexId(`${slug}-${k}`, 16),
        spanId: hexId(`${slug}-${k}-span`, 8),
        scope: 'tc9-observability',
        status: status === 'ok' ? 'Ok' : 'Error',
        attributes: { [ATTR.monitorSlug]: slug, [ATTR.monitorSchedule]: '5 * * * *', [ATTR.monitorStatus]: status },
      }),
    );
  for (let k = 0; k < 24; k++) {
    // Fault: the nightly sync stopped two runs ago (last ok run 140 minutes before now).
    if (!(ctx.has('missedSchedule') && k < 2)) run('salesforce-sync', ctx.now - 20 * MINUTE - k * HOUR, 'ok', k);
    run('cleanup-temp-records', ctx.now - 35 * MINUTE - k * HOUR, 'ok', k);
  }
  // Fault: the scheduler itself reported a missed slot of the weekly report.
  if (ctx.has('missedSchedule')) run('weekly-report', ctx.now - 10 * MINUTE, 'missed', 0);
  return { spans };
}
