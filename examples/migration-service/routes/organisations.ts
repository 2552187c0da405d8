import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.js';
import { OrgType } from '../generated/prisma/enums.js';
import { trackOrganisationConnected } from 'tc9-observability';
import { notFound } from '../http/errors.js';
import { isUuid, validate } from '../http/validate.js';
import { emitEvent } from '../telemetry/events.js';

const CreateOrganisation = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.enum(OrgType),
  instanceUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});

export function organisationRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.post('/organisations', async (req, res) => {
    const input = validate(CreateOrganisation, req.body);
    const organisation = await prisma.organisation.create({
      data: { name: input.name, type: input.type, instanceUrl: input.instanceUrl ?? null },
    });
    res.status(201).location(`/organisations/${organisation.id}`).json(organisation);
  });

  /**
   * Connects the user to an organisation (in the real tool: the Salesforce OAuth handshake, after which the
   * organisation can be a migration's source or target).
   */
  router.post('/organisations/:id/connect', async (req, res) => {
    const { id } = req.params;
    const organisation = isUuid(id) ? await prisma.organisation.findUnique({ where: { id } }) : null;
    if (!organisation) throw notFound('organisation', id);
    emitEvent('organisation.connected', () => trackOrganisationConnected({ orgId: organisation.id, orgType: organisation.type }));
    res.json({ organisation, connected: true, connectedAt: new Date() });
  });

  router.get('/organisations', async (_req, res) => {
    const organisations = await prisma.organisation.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    res.json({ organisations });
  });

  return router;
}
