/**
 * Extension points of a migration run. Each hook wraps one unit of work and must return what `execute` returns
 * (or rethrow what it throws), so telemetry can open a span around the run, each phase and each simulated
 * Salesforce API call in a few lines, e.g.
 *
 *   phase: (info, execute) => tracer.startActiveSpan(`migration.phase ${info.phase}`, (span) => execute().finally(() => span.end()))
 */
import type { OrgType, Phase } from '../generated/prisma/enums.js';

export type { Phase };
export const PHASES = ['extract', 'transform', 'load'] as const satisfies readonly Phase[];

export interface OrgRef {
  id: string;
  name: string;
  type: OrgType;
}

/** What a run is about; fixed for its lifetime. */
export interface RunInfo {
  runId: string;
  projectId: string;
  projectName: string;
  template: string | null;
  sourceOrg: OrgRef;
  targetOrg: OrgRef;
  recordsTotal: number;
  batchSize: number;
}

export interface PhaseInfo {
  run: RunInfo;
  phase: Phase;
  /** Records the phase receives: the run's total for extract, the previous phase's output after that. */
  recordsIn: number;
}

export interface PhaseOutcome {
  phase: Phase;
  recordsIn: number;
  recordsProcessed: number;
  recordsFailed: number;
  /** Failed records by Salesforce-style status code, e.g. { REQUIRED_FIELD_MISSING: 3 }. */
  failureReasons: Record<string, number>;
  durationMs: number;
}

export type FinalRunStatus = 'succeeded' | 'failed' | 'cancelled';

export interface RunOutcome {
  runId: string;
  status: FinalRunStatus;
  recordsTotal: number;
  /** Records loaded into the target organisation. */
  recordsProcessed: number;
  /** Records rejected in any phase. */
  recordsFailed: number;
  /** Phases that ran, in order; when the run broke down, the last one is the phase that failed (partial counts). */
  phases: PhaseOutcome[];
  /** Why the run failed or was cancelled; the original error is in `cause`. */
  error?: string;
  cause?: unknown;
}

export type ApiOperation = 'query' | 'upsert';

export interface ApiCallInfo {
  run: RunInfo;
  phase: Phase;
  system: 'salesforce';
  operation: ApiOperation;
  org: OrgRef;
  /** Records requested (query) or sent (upsert). */
  records: number;
}

export interface BatchProgress {
  /** Batch index within the phase, from 0. */
  batch: number;
  batches: number;
  /** Cumulative counts of the phase after this batch. */
  recordsProcessed: number;
  recordsFailed: number;
  failureReasons: Record<string, number>;
}

export interface RunHooks {
  run?(info: RunInfo, execute: () => Promise<RunOutcome>): Promise<RunOutcome>;
  phase?(info: PhaseInfo, execute: () => Promise<PhaseOutcome>): Promise<PhaseOutcome>;
  apiCall?<T>(info: ApiCallInfo, call: () => Promise<T>): Promise<T>;
  /** Called after every batch of every phase, once its counts are stored. Must not throw. */
  batch?(info: PhaseInfo, progress: BatchProgress): void;
}

/**
 * Hooks applied one inside the other: the first wraps the second, and so on (so the first sees the whole
 * unit of work, including what the later ones add). A batch listener that throws never stops the others.
 */
export function composeHooks(...list: (RunHooks | undefined)[]): RunHooks {
  const hooks = list.filter((h): h is RunHooks => h !== undefined);
  if (hooks.length === 1) return hooks[0]!;
  const nest = <I, T>(pick: (h: RunHooks) => ((info: I, execute: () => Promise<T>) => Promise<T>) | undefined) => {
    const wrappers = hooks.map(pick).filter((w) => w !== undefined);
    if (wrappers.length === 0) return undefined;
    return (info: I, execute: () => Promise<T>): Promise<T> =>
      wrappers.reduceRight<() => Promise<T>>((inner, wrap) => () => wrap(info, inner), execute)();
  };
  const run = nest<RunInfo, RunOutcome>((h) => h.run?.bind(h));
  const phase = nest<PhaseInfo, PhaseOutcome>((h) => h.phase?.bind(h));
  const apiCallers = hooks.filter((h) => h.apiCall).map((h) => h.apiCall!.bind(h));
  const batchers = hooks.filter((h) => h.batch).map((h) => h.batch!.bind(h));
  return {
    ...(run && { run }),
    ...(phase && { phase }),
    ...(apiCallers.length > 0 && {
      apiCall: <T>(info: ApiCallInfo, call: () => Promise<T>): Promise<T> =>
        apiCallers.reduceRight<() => Promise<T>>((inner, wrap) => () => wrap(info, inner), call)(),
    }),
    ...(batchers.length > 0 && {
      batch: (info: PhaseInfo, progress: BatchProgress) => {
        for (const batch of batchers) {
          try {
            batch(info, progress);
          } catch {
            // A progress listener must not break the migration, nor the listeners after it.
          }
        }
      },
    }),
  };
}
