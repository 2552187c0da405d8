/** JSON shapes of runs and phase results. */
import type { MigrationRun, PhaseResult } from '../generated/prisma/client.js';
import { RunStatus } from '../generated/prisma/enums.js';
import { PHASES } from '../run/hooks.js';

export type RunCounts = Record<RunStatus, number> & { total: number };

export function runCounts(rows: { status: RunStatus; count: number }[]): RunCounts {
  const counts = { total: 0 } as RunCounts;
  for (const status of Object.values(RunStatus)) counts[status] = 0;
  for (const row of rows) {
    counts[row.status] += row.count;
    counts.total += row.count;
  }
  return counts;
}

export function presentRunSummary(run: MigrationRun) {
  return {
    id: run.id,
    projectId: run.projectId,
    status: run.status,
    recordsTotal: run.recordsTotal,
    recordsProcessed: run.recordsProcessed,
    recordsFailed: run.recordsFailed,
    batchSize: run.batchSize,
    failureRate: run.failureRate,
    seed: run.seed,
    failAt: run.failAt,
    error: run.error,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

export function sortPhases(phases: PhaseResult[]): PhaseResult[] {
  return [...phases].sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
}

/**
 * Share of the run's work done, 0..1: each phase weighs a third, by the records it has handled so far out of
 * those it received. A succeeded run is at 1; a failed one stays where it stopped.
 */
export function runProgress(run: MigrationRun, phases: PhaseResult[]): number {
  if (run.status === 'succeeded') return 1;
  let done = 0;
  for (const phase of phases) {
    if (phase.status === 'succeeded') done += 1;
    else if (phase.recordsIn > 0) done += Math.min(1, (phase.recordsProcessed + phase.recordsFailed) / phase.recordsIn);
  }
  return Math.round((done / PHASES.length) * 10_000) / 10_000;
}

export function presentPhase(phase: PhaseResult) {
  return {
    phase: phase.phase,
    status: phase.status,
    recordsIn: phase.recordsIn,
    recordsProcessed: phase.recordsProcessed,
    recordsFailed: phase.recordsFailed,
    failureReasons: phase.failureReasons,
    durationMs: phase.durationMs,
    startedAt: phase.startedAt,
    finishedAt: phase.finishedAt,
  };
}

export function presentRun(run: MigrationRun & { phases: PhaseResult[] }) {
  const phases = sortPhases(run.phases);
  return {
    ...presentRunSummary(run),
    progress: runProgress(run, phases),
    currentPhase: run.status === 'running' ? (phases.findLast((p) => p.status === 'running')?.phase ?? null) : null,
    phases: phases.map(presentPhase),
  };
}

export function presentResults(run: MigrationRun & { phases: PhaseResult[] }) {
  const finished = run.finishedAt !== null;
  return {
    runId: run.id,
    projectId: run.projectId,
    status: run.status,
    finished,
    recordsTotal: run.recordsTotal,
    recordsProcessed: run.recordsProcessed,
    recordsFailed: run.recordsFailed,
    successRate: run.recordsTotal > 0 ? run.recordsProcessed / run.recordsTotal : null,
    durationMs: finished && run.startedAt ? run.finishedAt!.getTime() - run.startedAt.getTime() : null,
    error: run.error,
    phases: sortPhases(run.phases).map((phase) => ({
      ...presentPhase(phase),
      recordsPerSecond:
        phase.durationMs !== null && phase.durationMs > 0
          ? Math.round(((phase.recordsProcessed + phase.recordsFailed) / phase.durationMs) * 1000 * 10) / 10
          : null,
    })),
  };
}
