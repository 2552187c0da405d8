/** The executor's writes: run status and totals, one phase row per phase, updated batch by batch. */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Phase } from '../generated/prisma/enums.js';
import type { PhaseOutcome, RunInfo, RunOutcome } from './hooks.js';

/** The simulation inputs stored with a run. */
export interface RunPlan {
  failureRate: number;
  seed: number;
  failAt: Phase | null;
}

export interface RunCounts {
  recordsProcessed: number;
  recordsFailed: number;
}

export interface PhaseCounts extends RunCounts {
  failureReasons: Record<string, number>;
}

export class RunStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Moves a queued run to running. Undefined when the run does not exist or was already picked up. */
  async start(runId: string, startedAt: Date): Promise<{ info: RunInfo; plan: RunPlan } | undefined> {
    const claimed = await this.prisma.migrationRun.updateMany({
      where: { id: runId, status: 'queued' },
      data: { status: 'running', startedAt },
    });
    if (claimed.count === 0) return undefined;
    const run = await this.prisma.migrationRun.findUniqueOrThrow({
      where: { id: runId },
      include: { project: { include: { sourceOrg: true, targetOrg: true } } },
    });
    const { project } = run;
    const org = (o: typeof project.sourceOrg) => ({ id: o.id, name: o.name, type: o.type });
    return {
      info: {
        runId: run.id,
        projectId: project.id,
        projectName: project.name,
        template: project.template,
        sourceOrg: org(project.sourceOrg),
        targetOrg: org(project.targetOrg),
        recordsTotal: run.recordsTotal,
        batchSize: run.batchSize,
      },
      plan: { failureRate: run.failureRate, seed: run.seed, failAt: run.failAt },
    };
  }

  async startPhase(runId: string, phase: Phase, recordsIn: number, startedAt: Date): Promise<void> {
    await this.prisma.phaseResult.create({ data: { runId, phase, recordsIn, startedAt } });
  }

  /** One batch done: the phase's cumulative counts, and the run's totals when they changed. */
  async recordBatch(runId: string, phase: Phase, phaseCounts: PhaseCounts, runTotals: RunCounts | undefined): Promise<void> {
    const updatePhase = this.prisma.phaseResult.update({
      where: { runId_phase: { runId, phase } },
      data: phaseCounts,
    });
    if (runTotals === undefined) {
      await updatePhase;
      return;
    }
    await this.prisma.$transaction([updatePhase, this.prisma.migrationRun.update({ where: { id: runId }, data: runTotals })]);
  }

  async finishPhase(runId: string, outcome: PhaseOutcome, status: 'succeeded' | 'failed', finishedAt: Date): Promise<void> {
    await this.prisma.phaseResult.update({
      where: { runId_phase: { runId, phase: outcome.phase } },
      data: {
        status,
        recordsProcessed: outcome.recordsProcessed,
        recordsFailed: outcome.recordsFailed,
        failureReasons: outcome.failureReasons,
        durationMs: Math.round(outcome.durationMs),
        finishedAt,
      },
    });
  }

  async finish(outcome: RunOutcome, finishedAt: Date): Promise<void> {
    await this.prisma.migrationRun.update({
      where: { id: outcome.runId },
      data: {
        status: outcome.status,
        recordsProcessed: outcome.recordsProcessed,
        recordsFailed: outcome.recordsFailed,
        error: outcome.error ?? null,
        finishedAt,
      },
    });
  }

  /** Last resort when the executor itself broke (e.g. the database went away mid-run). */
  async markFailed(runId: string, error: string): Promise<void> {
    await this.prisma.migrationRun.updateMany({
      where: { id: runId, status: { in: ['queued', 'running'] } },
      data: { status: 'failed', error, finishedAt: new Date() },
    });
  }
}
