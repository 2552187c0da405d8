import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.js';
import { HttpError, notFound } from '../http/errors.js';
import { isUuid, validate } from '../http/validate.js';
import { trackMigrationCreated } from 'tc9-observability';
import { emitEvent } from '../telemetry/events.js';
import { presentRunSummary, runCounts } from './present.js';

const CreateProject = z
  .object({
    name: z.string().trim().min(1).max(200),
    sourceOrgId: z.uuid(),
    targetOrgId: z.uuid(),
    template: z.string().trim().min(1).max(100).optional(),
  })
  .refine((p) => p.sourceOrgId !== p.targetOrgId, { path: ['targetOrgId'], message: 'must differ from sourceOrgId' });

const orgSummary = { select: { id: true, name: true, type: true, instanceUrl: true } } as const;
const RECENT_RUNS = 20;

export function projectRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.post('/projects', async (req, res) => {
    const input = validate(CreateProject, req.body);
    const found = await prisma.organisation.findMany({
      where: { id: { in: [input.sourceOrgId, input.targetOrgId] } },
      select: { id: true },
    });
    for (const field of ['sourceOrgId', 'targetOrgId'] as const) {
      if (!found.some((o) => o.id === input[field])) throw new HttpError(404, `${field}: organisation ${input[field]} not found`);
    }
    const project = await prisma.migrationProject.create({
      data: { name: input.name, sourceOrgId: input.sourceOrgId, targetOrgId: input.targetOrgId, template: input.template ?? null },
      include: { sourceOrg: orgSummary, targetOrg: orgSummary },
    });
    emitEvent('migration.created', () =>
      trackMigrationCreated({
        migrationId: project.id,
        ...(project.template !== null && { template: project.template }),
        sourceOrg: project.sourceOrgId,
        targetOrg: project.targetOrgId,
      }),
    );
    res
      .status(201)
      .location(`/projects/${project.id}`)
      .json({ ...project, runs: runCounts([]) });
  });

  router.get('/projects', async (_req, res) => {
    const [projects, counts] = await Promise.all([
      prisma.migrationProject.findMany({
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: { sourceOrg: orgSummary, targetOrg: orgSummary },
      }),
      prisma.migrationRun.groupBy({ by: ['projectId', 'status'], _count: { _all: true } }),
    ]);
    res.json({
      projects: projects.map((project) => ({
        ...project,
        runs: runCounts(counts.filter((c) => c.projectId === project.id).map((c) => ({ status: c.status, count: c._count._all }))),
      })),
    });
  });

  router.get('/projects/:id', async (req, res) => {
    const { id } = req.params;
    const project = isUuid(id)
      ? await prisma.migrationProject.findUnique({
          where: { id },
          include: {
            sourceOrg: orgSummary,
            targetOrg: orgSummary,
            runs: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: RECENT_RUNS },
          },
        })
      : null;
    if (!project) throw notFound('project', id);
    const counts = await prisma.migrationRun.groupBy({ by: ['status'], where: { projectId: id }, _count: { _all: true } });
    const { runs, ...rest } = project;
    res.json({
      ...rest,
      runs: runCounts(counts.map((c) => ({ status: c.status, count: c._count._all }))),
      recentRuns: runs.map(presentRunSummary),
    });
  });

  return router;
}
