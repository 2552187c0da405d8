/**
 * Runs one migration: extract -> transform -> load over the run's synthetic dataset, each phase in batches,
 * storing progress as it goes. Telemetry attaches through `hooks` (see hooks.ts); nothing here knows about it.
 */
import { performance } from 'node:perf_hooks';
import type { Phase } from '../generated/prisma/enums.js';
import { createDataset } from './dataset.js';
import { extract } from './extract.js';
import type { ApiCallInfo, FinalRunStatus, PhaseInfo, PhaseOutcome, RunHooks, RunInfo, RunOutcome } from './hooks.js';
import { load } from './load.js';
import { batchCount, type PhaseContext, type PhaseRun } from './phase.js';
import type { PhaseCounts, RunCounts, RunPlan, RunStore } from './run-store.js';
import { simulatedSalesforce, type ApiLatency, type SalesforceApi } from './salesforce.js';
import { transform } from './transform.js';

export interface ExecutorDeps {
  store: RunStore;
  hooks?: RunHooks;
  apiLatency?: ApiLatency;
  /** Aborting cancels the run between batches (service shutdown). */
  signal?: AbortSignal;
}

/**
 * Executes a queued run to its end and stores the outcome. Resolves to undefined when the run is unknown or
 * already started elsewhere. A failing run resolves too (status 'failed'); it rejects only when the database
 * writes themselves fail.
 */
export async function executeRun(runId: string, deps: ExecutorDeps): Promise<RunOutcome | undefined> {
  const started = await deps.store.start(runId, new Date());
  if (!started) return undefined;
  const execution = new Execution(started.info, started.plan, deps);
  const execute = () => execution.execute();
  return deps.hooks?.run ? deps.hooks.run(started.info, execute) : execute();
}

class Execution {
  private readonly phases: PhaseOutcome[] = [];
  private readonly api: SalesforceApi;
  private readonly signal: AbortSignal;

  constructor(
    private readonly info: RunInfo,
    private readonly plan: RunPlan,
    private readonly deps: ExecutorDeps,
  ) {
    const dataset = createDataset({ total: info.recordsTotal, failureRate: plan.failureRate, seed: plan.seed });
    this.api = simulatedSalesforce(dataset, deps.apiLatency);
    this.signal = deps.signal ?? new AbortController().signal;
  }

  async execute(): Promise<RunOutcome> {
    let status: FinalRunStatus;
    let error: string | undefined;
    let cause: unknown;
    try {
      const extracted = await this.phase('extract', this.info.recordsTotal, (ctx) => extract(ctx));
      const transformed = await this.phase('transform', extracted.length, (ctx) => transform(ctx, extracted));
      await this.phase('load', transformed.length, (ctx) => load(ctx, transformed));
      const total = this.info.recordsTotal;
      if (total > 0 && this.loaded() === 0) {
        status = 'failed';
        error = `all ${total} records failed (${this.failureSummary()})`;
      } else {
        status = 'succeeded';
      }
    } catch (err) {
      cause = err;
      if (this.signal.aborted) {
        status = 'cancelled';
        error = `cancelled: ${errorMessage(this.signal.reason)}`;
      } else {
        status = 'failed';
        error = errorMessage(err);
      }
    }
    const outcome: RunOutcome = {
      runId: this.info.runId,
      status,
      recordsTotal: this.info.recordsTotal,
      recordsProcessed: this.loaded(),
      recordsFailed: this.phases.reduce((sum, p) => sum + p.recordsFailed, 0),
      phases: [...this.phases],
      ...(error !== undefined && { error }),
      ...(cause !== undefined && { cause }),
    };
    await this.deps.store.finish(outcome, new Date());
    return outcome;
  }

  private loaded(): number {
    return this.phases.find((p) => p.phase === 'load')?.recordsProcessed ?? 0;
  }

  private failureSummary(): string {
    return this.phases.flatMap((p) => Object.entries(p.failureReasons).map(([code, n]) => `${n} ${code} in ${p.phase}`)).join(', ');
  }

  /** Runs one phase inside the phase hook: its row is created, updated per batch and finished within the hook. */
  private async phase<T>(phase: Phase, recordsIn: number, work: (ctx: PhaseContext) => Promise<PhaseRun<T>>): Promise<T> {
    const { store, hooks } = this.deps;
    const { runId, batchSize } = this.info;
    const info: PhaseInfo = { run: this.info, phase, recordsIn };
    let output: { value: T } | undefined;
    let last: PhaseCounts = { recordsProcessed: 0, recordsFailed: 0, failureReasons: {} };

    const ctx: PhaseContext = {
      info,
      api: this.hookedApi(info),
      signal: this.signal,
      outageAt: this.plan.failAt === phase ? Math.floor(batchCount(recordsIn, batchSize) / 2) : undefined,
      report: async (progress) => {
        last = {
          recordsProcessed: progress.recordsProcessed,
          recordsFailed: progress.recordsFailed,
          failureReasons: { ...progress.failureReasons },
        };
        await store.recordBatch(runId, phase, last, this.runTotals(phase, last));
        try {
          hooks?.batch?.(info, progress);
        } catch {
          // A progress listener (telemetry) must not break the migration.
        }
      },
    };

    const execute = async (): Promise<PhaseOutcome> => {
      const t0 = performance.now();
      await store.startPhase(runId, phase, recordsIn, new Date());
      let result: PhaseRun<T>;
      try {
        result = await work(ctx);
      } catch (err) {
        // Keep what the phase did before it broke: those records were extracted / loaded all the same.
        const partial: PhaseOutcome = { phase, recordsIn, ...last, durationMs: performance.now() - t0 };
        this.phases.push(partial);
        await store.finishPhase(runId, partial, 'failed', new Date());
        throw err;
      }
      const outcome: PhaseOutcome = {
        phase,
        recordsIn,
        recordsProcessed: result.recordsProcessed,
        recordsFailed: result.recordsFailed,
        failureReasons: result.failureReasons,
        durationMs: performance.now() - t0,
      };
      this.phases.push(outcome);
      output = { value: result.output };
      await store.finishPhase(runId, outcome, 'succeeded', new Date());
      return outcome;
    };

    await (hooks?.phase ? hooks.phase(info, execute) : execute());
    if (!output) throw new Error(`migration-service: the phase hook for ${phase} did not run the phase`);
    return output.value;
  }

  /** The run's totals while `phase` is in progress; undefined when this phase does not change them. */
  private runTotals(phase: Phase, counts: RunCounts): RunCounts | undefined {
    if (phase === 'extract') return undefined;
    return {
      recordsProcessed: phase === 'load' ? counts.recordsProcessed : 0,
      recordsFailed: this.phases.reduce((sum, p) => sum + p.recordsFailed, 0) + counts.recordsFailed,
    };
  }

  private hookedApi(phase: PhaseInfo): SalesforceApi {
    const hooks = this.deps.hooks;
    if (!hooks?.apiCall) return this.api;
    const apiCall = hooks.apiCall.bind(hooks);
    const call = (operation: ApiCallInfo['operation'], records: number): ApiCallInfo => ({
      run: this.info,
      phase: phase.phase,
      system: 'salesforce',
      operation,
      org: operation === 'query' ? this.info.sourceOrg : this.info.targetOrg,
      records,
    });
    return {
      query: (page, options) => apiCall(call('query', page.limit), () => this.api.query(page, options)),
      upsert: (records, options) => apiCall(call('upsert', records.length), () => this.api.upsert(records, options)),
    };
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
