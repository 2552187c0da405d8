import { Router } from 'express';

/** A route that always throws, to demonstrate error capture (Sentry, error events) end to end. */
export function debugRoutes(): Router {
  const router = Router();
  router.get('/debug/error', () => {
    throw new Error('Intentional error from GET /debug/error (error capture demo)');
  });
  return router;
}
