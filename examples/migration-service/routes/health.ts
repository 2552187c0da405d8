import { Router } from 'express';
import type { PrismaClient } from '../generated/prisma/client.js';

export function healthRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    try {
      await prisma.$queryRaw`SELECT 1`;
    } catch {
      res.status(503).json({ status: 'error', error: 'database unavailable' });
      return;
    }
    res.json({ status: 'ok' });
  });
  return router;
}
