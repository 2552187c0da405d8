import { setTimeout as sleep } from 'node:timers/promises';
import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../http/validate.js';

const SlowQuery = z.object({ ms: z.coerce.number().int().min(0).max(10_000).default(1000) });

/** Routes for demonstrating telemetry: one that always throws (error capture end to end), one that is slow. */
export function debugRoutes(): Router {
  const router = Router();
  router.get('/debug/slow', async (req, res) => {
    const { ms } = validate(SlowQuery, req.query, 'query');
    await sleep(ms);
    res.json({ sleptMs: ms });
  });
  router.get('/debug/error', () => {
    throw new Error('Intentional error from GET /debug/error (error capture demo)');
  });
  return router;
}
