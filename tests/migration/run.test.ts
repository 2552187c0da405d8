import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMigrationRun, trackMigrationRun, type MigrationProgress } from '../../src/migration/index.js';
import { ATTR, METRIC, SPAN } from '../../src/semconv.js';
import { installInMemoryOtel, sumWhere, type InMemoryOtel } from '../helpers/in-memory-otel.js';

let otel: InMemoryOtel;
beforeAll(() => {
  otel = installInMemoryOtel();
});
afterAll(() => otel.uninstall());

describe('a run of 100,000 records through extract, transform and load', () => {
  const TOTAL = 100_000;
  const transformFailed = Math.floor(TOTAL / 997);
  let loadFailed = 0;
  let failedCalls = 0;
  let midway: MigrationProgress | undefined;
  let runId: string;

  beforeAll(async () => {
    otel.reset();
    const run = startMigrationRun(
      {
        migrationId: 'm-1',
        sourceOrg: 'org-src',
        targetOrg: 'org-dst',
        template: 'accounts',
        totalRecords: TOTAL,
        phases: ['extract', 'transform', 'load'],
      },
      { progressIntervalMs: 0 },
    );
    runId = run.runId;
    await run.phase('extract', async (phase) => {
      for (let i = 0; i < TOTAL; i++) phase.recordProcessed();
    });
    await run.phase('transform', async (phase) => {
      for (let i = 0; i < TOTAL; i++) {
        if (i % 997 === 996) phase.recordFailed('invalid_email');
        else phase.recordProcessed();
        if (i === TOTAL / 2) midway = run.progress();
      }
    });
    await run.phase('load', async (phase) => {
      const toLoad = TOTAL - transformFailed;
      for (let offset = 0; offset < toLoad; offset += 1000) {
        const size = Math.min(1000, toLoad - offset);
        const batch = offset / 1000;
        try {
          await phase.apiCall('salesforce', 'bulk.insert', async () => {
            if (batch % 25 === 24) throw Object.assign(new Error('UNABLE_TO_LOCK_ROW'), { code: 'UNABLE_TO_LOCK_ROW' });
            return size;
          });
          phase.recordProcessed(size);
        } catch {
          phase.recordFailed('lock', size);
          loadFailed += size;
          failedCalls += 1;
        }
      }
    });
    run.end();
    expect(run.progress().ended).toBe(true);
  });

  it('exports one run span and three phase spans below it', () => {
    const spans = otel.spans();
    const runs = spans.filter((s) => s.name === SPAN.migrationRun);
    expect(runs).toHaveLength(1);
    const phases = spans.filter((s) => s.name.startsWith(SPAN.migrationPhasePrefix));
    expect(phases.map((s) => s.name)).toEqual(['migration.phase extract', 'migration.phase transform', 'migration.phase load']);
    const runSpan = runs[0]!;
    for (const p of phases) {
      expect(p.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
      expect(p.attributes[ATTR.runId]).toBe(runId);
      expect(p.attributes[ATTR.migrationId]).toBe('m-1');
      expect(p.attributes[ATTR.template]).toBe('accounts');
    }
    const byPhase = Object.fromEntries(phases.map((p) => [p.attributes[ATTR.phase], p.attributes]));
    expect(byPhase.extract![ATTR.recordsProcessed]).toBe(TOTAL);
    expect(byPhase.transform![ATTR.recordsFailed]).toBe(transformFailed);
    expect(byPhase.transform![ATTR.failureReason]).toBe('invalid_email');
    expect(byPhase.load![ATTR.recordsProcessed]).toBe(TOTAL - transformFailed - loadFailed);
    expect(byPhase.load![ATTR.memoryBytes]).toBeGreaterThan(0);

    const a = runSpan.attributes;
    expect(a[ATTR.outcome]).toBe('succeeded');
    expect(a[ATTR.sourceOrg]).toBe('org-src');
    expect(a[ATTR.targetOrg]).toBe('org-dst');
    expect(a[ATTR.recordsTotal]).toBe(TOTAL);
    expect(a[ATTR.recordsProcessed]).toBe(TOTAL - transformFailed - loadFailed);
    expect(a[ATTR.recordsFailed]).toBe(transformFailed + loadFailed);
    expect(a[ATTR.progress]).toBe(1);
    expect(runSpan.status.code).toBe(SpanStatusCode.OK);
  });

  it('one api_call span per call, below the load phase, failures marked', () => {
    const calls = otel.spans().filter((s) => s.name === SPAN.migrationApiCall);
    expect(calls).toHaveLength(Math.ceil((TOTAL - transformFailed) / 1000));
    expect(failedCalls).toBeGreaterThan(0);
    const load = otel.spans().find((s) => s.name === 'migration.phase load')!;
    expect(calls.every((c) => c.parentSpanContext?.spanId === load.spanContext().spanId)).toBe(true);
    expect(calls.filter((c) => c.status.code === SpanStatusCode.ERROR)).toHaveLength(failedCalls);
  });

  it('metric totals equal the records processed and failed', async () => {
    const records = await otel.metric(METRIC.migrationRecords);
    expect(sumWhere(records, { [ATTR.phase]: 'extract', [ATTR.outcome]: 'processed' })).toBe(TOTAL);
    expect(sumWhere(records, { [ATTR.phase]: 'transform', [ATTR.outcome]: 'processed' })).toBe(TOTAL - transformFailed);
    expect(sumWhere(records, { [ATTR.phase]: 'transform', [ATTR.outcome]: 'failed' })).toBe(transformFailed);
    expect(sumWhere(records, { [ATTR.phase]: 'load', [ATTR.outcome]: 'processed' })).toBe(TOTAL - transformFailed - loadFailed);
    expect(sumWhere(records, { [ATTR.phase]: 'load', [ATTR.outcome]: 'failed' })).toBe(loadFailed);
    expect(sumWhere(records, { [ATTR.template]: 'accounts' })).toBe(3 * TOTAL - transformFailed);

    const durations = await otel.metric(METRIC.migrationPhaseDuration);
    expect(durations.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(3);
    const throughput = await otel.metric(METRIC.migrationThroughput);
    expect(throughput.map((p) => p.attributes[ATTR.phase]).sort()).toEqual(['extract', 'load', 'transform']);
    const memory = await otel.metric(METRIC.migrationMemory);
    expect(memory).toHaveLength(3);
    expect(memory.every((p) => p.value > 0)).toBe(true);

    const calls = await otel.metric(METRIC.migrationApiCalls);
    expect(sumWhere(calls, { [ATTR.apiSystem]: 'salesforce', [ATTR.outcome]: 'failed' })).toBe(failedCalls);
    expect(sumWhere(calls, { [ATTR.apiSystem]: 'salesforce' })).toBe(Math.ceil((TOTAL - transformFailed) / 1000));
    const latency = await otel.metric(METRIC.migrationApiCallDuration);
    expect(latency.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(Math.ceil((TOTAL - transformFailed) / 1000));

    const runs = await otel.metric(METRIC.migrationRuns);
    expect(sumWhere(runs, { [ATTR.outcome]: 'succeeded', [ATTR.template]: 'accounts' })).toBe(1);
  });

  it('progress was readable midway: second of three phases, half done', () => {
    expect(midway).toBeDefined();
    expect(midway!.phase).toBe('transform');
    expect(midway!.total).toBe(TOTAL);
    expect(midway!.fraction).toBeGreaterThan(0.45);
    expect(midway!.fraction).toBeLessThan(0.55);
    expect(midway!.failed).toBe(Math.floor(TOTAL / 2 / 997));
    expect(midway!.etaSeconds).toBeGreaterThanOrEqual(0);
    expect(midway!.ended).toBe(false);
  });
});

describe('failures', () => {
  beforeEach(() => otel.reset());

  it('a throwing phase fails the phase and the run, and the error comes back to the caller', async () => {
    const boom = new Error('target org refused the batch');
    await expect(
      trackMigrationRun({ migrationId: 'm-2', template: 'contacts' }, async (run) => {
        await run.phase('extract', (p) => p.recordProcessed(10));
        await run.phase('load', () => {
          throw boom;
        });
      }),
    ).rejects.toBe(boom);
    const spans = otel.spans();
    const load = spans.find((s) => s.name === 'migration.phase load')!;
    expect(load.status.code).toBe(SpanStatusCode.ERROR);
    expect(load.attributes[ATTR.outcome]).toBe('failed');
    expect(load.events.some((e) => e.name === 'exception')).toBe(true);
    const run = spans.find((s) => s.name === SPAN.migrationRun)!;
    expect(run.attributes[ATTR.outcome]).toBe('failed');
    expect(run.attributes[ATTR.failureReason]).toBe('target org refused the batch');
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    const runs = await otel.metric(METRIC.migrationRuns);
    expect(sumWhere(runs, { [ATTR.outcome]: 'failed', [ATTR.template]: 'contacts' })).toBe(1);
  });

  it('a run started inside a request starts its own trace, linked to the request span', async () => {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('POST /migrations/:id/execute', async (request) => {
      await trackMigrationRun({ migrationId: 'm-3' }, async (run) => {
        await run.phase('extract', (p) => p.recordProcessed());
      });
      request.end();
    });
    const spans = otel.spans();
    const request = spans.find((s) => s.name.startsWith('POST'))!;
    const run = spans.find((s) => s.name === SPAN.migrationRun)!;
    expect(run.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.links[0]?.context.spanId).toBe(request.spanContext().spanId);
  });

  it('bad counts and calls after the end are ignored, end is idempotent', async () => {
    const run = startMigrationRun({ migrationId: 'm-4' });
    const phase = run.startPhase('extract');
    phase.recordProcessed(-5);
    phase.recordProcessed(Number.NaN);
    phase.recordProcessed(3);
    phase.end();
    phase.recordProcessed(100);
    run.end();
    run.end('failed');
    expect(phase.processed).toBe(3);
    expect(otel.spans().filter((s) => s.name === SPAN.migrationRun)).toHaveLength(1);
    expect(otel.spans().find((s) => s.name === SPAN.migrationRun)!.attributes[ATTR.outcome]).toBe('succeeded');
  });

  it('tallies failure reasons: the most frequent wins, reasons past the twentieth count as other', () => {
    const run = startMigrationRun({ migrationId: 'm-5' });
    const phase = run.startPhase('load');
    // Interleaved, so the tally must follow each reason, not only the last one.
    for (let i = 0; i < 30; i++) {
      phase.recordFailed('rate_limited');
      phase.recordFailed('duplicate', 2);
    }
    // Repeated in a row: 30 + 40 overtakes duplicate's 60.
    for (let i = 0; i < 40; i++) phase.recordFailed('rate_limited');
    for (let i = 0; i < 25; i++) phase.recordFailed(`code_${i}`, 3);
    phase.end('failed');
    run.end('failed');
    // 18 distinct codes fit beside the first two reasons; the other 7 codes (21 records) count as "other".
    expect(phase.failed).toBe(30 + 60 + 40 + 75);
    expect(phase.topFailureReason()).toBe('rate_limited');
    const span = otel.spans().find((s) => s.name === 'migration.phase load' && s.attributes[ATTR.runId] === run.runId)!;
    expect(span.attributes[ATTR.failureReason]).toBe('rate_limited');
    const second = startMigrationRun({ migrationId: 'm-6' });
    const other = second.startPhase('load');
    for (let i = 0; i < 18; i++) other.recordFailed(`code_${i}`, 1);
    for (let i = 0; i < 5; i++) other.recordFailed(`late_${i}`, 5);
    other.end('failed');
    second.end('failed');
    // 2 + 18 = 20 kept reasons in the first phase: "other" holds the last 7 codes, 21 records, below the top.
    // In the second, 18 codes of 1 plus two late ones fill the 20; three late ones (15 records) are other, the top.
    expect(other.topFailureReason()).toBe('other');
  });

  it('records totals add up across runs of the same phase and template, ended phases included', async () => {
    const copy = { [ATTR.phase]: 'copy', [ATTR.template]: 'totals' };
    const initial = await otel.metric(METRIC.migrationRecords);
    const before = sumWhere(initial, copy);
    const failedBefore = sumWhere(initial, { ...copy, [ATTR.outcome]: 'failed' });
    const runs = [
      startMigrationRun({ migrationId: 'm-7', template: 'totals' }),
      startMigrationRun({ migrationId: 'm-8', template: 'totals' }),
    ];
    const phases = runs.map((r) => r.startPhase('copy'));
    for (let i = 0; i < 2500; i++) phases[i % 2]!.recordProcessed();
    phases[0]!.recordFailed('x', 7);
    phases[0]!.end();
    runs[0]!.end();
    const midway = sumWhere(await otel.metric(METRIC.migrationRecords), copy);
    phases[1]!.end();
    runs[1]!.end();
    const after = await otel.metric(METRIC.migrationRecords);
    // The still-running phase has handed on its full batches only; every record counts once both have ended.
    expect(midway - before).toBe(1250 + 7 + 1000);
    expect(sumWhere(after, copy) - before).toBe(2507);
    expect(sumWhere(after, { ...copy, [ATTR.outcome]: 'failed' }) - failedBefore).toBe(7);
  });

  it('rejects a run without a migration id', () => {
    expect(() => startMigrationRun({ migrationId: '' })).toThrow(/migrationId/);
  });
});
