/**
 * The run hooks that make each migration run observable with tc9-observability's migration API: a run span
 * (its own trace, linked to the request that started it) with one child span per phase, the records each
 * batch processed or rejected (by Salesforce status code), every simulated Salesforce call as a client span
 * with its latency and outcome, progress on the spans, and the run's outcome. A run that broke down is
 * reported with captureError, in the run's trace.
 *
 * Without a started SDK every call here is an OpenTelemetry no-op; the run goes on the same.
 */
import { context, diag } from '@opentelemetry/api';
import { captureError, identityFromBaggage, startMigrationRun, type MigrationPhase, type MigrationRun } from 'tc9-observability';
import { PHASES, type BatchProgress, type Phase, type RunHooks, type RunOutcome } from '../run/hooks.js';

export interface TelemetryHooksOptions {
  /** Least time between two progress updates on the run and phase spans. Default 1000 ms. */
  progressIntervalMs?: number;
}

/** What the hooks know of a phase: its telemetry handle and the cumulative counts already handed to it. */
interface TrackedPhase {
  phase: MigrationPhase;
  processed: number;
  failed: number;
  reasons: Record<string, number>;
}

interface TrackedRun {
  run: MigrationRun;
  phases: Map<Phase, TrackedPhase>;
}

export function telemetryHooks(options: TelemetryHooksOptions = {}): RunHooks {
  const runs = new Map<string, TrackedRun>();
  const tracked = (runId: string, phase: Phase) => runs.get(runId)?.phases.get(phase);

  return {
    async run(info, execute) {
      // The run starts from the request's context (see RunScheduler), so the caller's identity is in its baggage.
      const who = identityFromBaggage();
      const run = startMigrationRun(
        {
          migrationId: info.projectId,
          runId: info.runId,
          sourceOrg: info.sourceOrg.id,
          targetOrg: info.targetOrg.id,
          ...(info.template !== null && { template: info.template }),
          totalRecords: info.recordsTotal,
          phases: PHASES,
          ...(who.userId !== undefined && { userId: who.userId }),
          orgId: who.orgId ?? info.sourceOrg.id,
        },
        { batchSize: info.batchSize, ...(options.progressIntervalMs !== undefined && { progressIntervalMs: options.progressIntervalMs }) },
      );
      runs.set(info.runId, { run, phases: new Map() });
      try {
        const outcome = await context.with(run.context, execute);
        context.with(run.context, () => endRun(run, outcome));
        return outcome;
      } catch (err) {
        run.end('failed', err);
        throw err;
      } finally {
        runs.delete(info.runId);
      }
    },

    async phase(info, execute) {
      const state = runs.get(info.run.runId);
      if (!state) return execute();
      return state.run.phase(info.phase, async (phase) => {
        const entry: TrackedPhase = { phase, processed: 0, failed: 0, reasons: {} };
        state.phases.set(info.phase, entry);
        const outcome = await execute();
        // The batches reported everything already; this only catches counts a phase returned without a batch.
        advance(entry, outcome);
        return outcome;
      });
    },

    apiCall(info, call) {
      const entry = tracked(info.run.runId, info.phase);
      return entry ? entry.phase.apiCall(info.system, info.operation, call) : call();
    },

    batch(info, progress) {
      const entry = tracked(info.run.runId, info.phase);
      if (!entry) return;
      try {
        advance(entry, progress);
      } catch (err) {
        diag.warn('migration-service: could not record batch progress', err);
      }
    },
  };
}

/** Hands the phase the records since the last call: the executor reports cumulative counts. */
function advance(entry: TrackedPhase, counts: Pick<BatchProgress, 'recordsProcessed' | 'recordsFailed' | 'failureReasons'>): void {
  const processed = counts.recordsProcessed - entry.processed;
  if (processed > 0) {
    entry.phase.recordProcessed(processed);
    entry.processed = counts.recordsProcessed;
  }
  let failedWithReason = 0;
  for (const [reason, count] of Object.entries(counts.failureReasons)) {
    const added = count - (entry.reasons[reason] ?? 0);
    if (added > 0) entry.phase.recordFailed(reason, added);
    entry.reasons[reason] = Math.max(count, entry.reasons[reason] ?? 0);
    failedWithReason += Math.max(added, 0);
  }
  const failed = counts.recordsFailed - entry.failed;
  if (failed > failedWithReason) entry.phase.recordFailed(undefined, failed - failedWithReason);
  if (failed > 0) entry.failed = counts.recordsFailed;
}

function endRun(run: MigrationRun, outcome: RunOutcome): void {
  switch (outcome.status) {
    case 'succeeded':
      run.end('succeeded');
      return;
    case 'cancelled':
      run.end('cancelled');
      return;
    case 'failed': {
      // A breakdown (API outage, broken mapping) is an error worth a report; a run whose every record was
      // rejected failed on its data, which the run span and the records metric already tell.
      if (outcome.cause !== undefined) {
        captureError(outcome.cause, { action: 'migration.run', extra: { run_id: outcome.runId, phase: outcome.phases.at(-1)?.phase } });
      }
      run.end('failed', outcome.cause ?? new Error(outcome.error ?? 'migration failed'));
      return;
    }
  }
}
