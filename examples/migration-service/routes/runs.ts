import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.js';
import { Phase } from '../generated/prisma/enums.js';
import { notFound } from '../http/errors.js';
import { isUuid, validate } from '../http/validate.js';
import { randomSeed } from '../run/random.js';
import type { RunScheduler } from '../run/scheduler.js';
import { trackFeatureUsage, trackMigrationExecuted } from 'tc9-observability';
import { emitEvent } from '../telemetry/events.js';
import { presentResults, presentRun, presentRunSummary } from './present.js';

export const RUN_LIMITS = { maxRecords: 200_000, maxBatchSize: 10_000 } as const;

const StartRun = z.object({
  records: z.int().min(0).max(RUN_LIMITS.maxRecords).default(1000),
  failureRate: z.number().min(0).max(1).default(0.01),
  batchSize: z.int().min(1).max(RUN_LIMITS.maxBatchSize).default(200),
  /** Same seed, same records and same failing records. Random when absent. */
  seed: z.int().min(0).max(0x7fffffff).optional(),
  /** Make the run break down in this phase (an API outage or a broken mapping), for demoing failed runs. */
  failAt: z.enum(Phase).optional(),
});

export function runRoutes(prisma: PrismaClient, scheduler: RunScheduler): Router {
  const router = Router();

  router.post('/projects/:id/runs', async (req, res) => {
    const { id } = req.params;
    const input = validate(StartRun, req.body);
    const project = isUuid(id)
      ? await prisma.migrationProject.findUnique({
          where: { id },
          select: { id: true, template: true, sourceOrgId: true, targetOrgId: true },
        })
      : null;
    if (!project) throw notFound('project', id);
    const run = await prisma.migrationRun.create({
      data: {
        projectId: project.id,
        recordsTotal: input.records,
        batchSize: input.batchSize,
        failureRate: input.failureRate,
        seed: input.seed ?? randomSeed(),
        failAt: input.failAt ?? null,
      },
    });
    scheduler.start(run.id);
    emitEvent('migration.executed', () =>
      trackMigrationExecuted({
        migrationId: project.id,
        runId: run.id,
        ...(project.template !== null && { template: project.template }),
        sourceOrg: project.sourceOrgId,
        targetOrg: project.targetOrgId,
      }),
    );
    res.status(202).location(`/runs/${run.id}`).json(presentRunSummary(run));
  });

  const findRun = async (id: string) => {
    const run = isUuid(id) ? await prisma.migrationRun.findUnique({ where: { id }, include: { phases: true } }) : null;
    if (!run) throw notFound('run', id);
    return run;
  };

  router.get('/runs/:id', async (req, res) => {
    res.json(presentRun(await findRun(req.params.id)));
  });

  router.get('/runs/:id/results', async (req, res) => {
    const run = await findRun(req.params.id);
    emitEvent('feature.used', () => trackFeatureUsage('run_results', { properties: { run_status: run.status } }));
    res.json(presentResults(run));
  });

  return router;
}
