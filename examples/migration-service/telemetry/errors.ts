/**
 * Error reporting of the HTTP API: every error a request ends with is classified and reported with
 * captureError (category and severity, the tc9.error event behind the error views, the errors metric,
 * the request's span, and Sentry when it is on), with who made the request from its baggage.
 *
 * Mounted before setupExpressErrorHandler: Sentry skips an error object it has already captured, so a
 * 5xx reaches Sentry once, with our fingerprint and level. Client errors (4xx) go in as warnings.
 */
import type { ErrorRequestHandler } from 'express';
import { captureError } from 'tc9-observability';

export function captureRequestErrors(): ErrorRequestHandler {
  return (err: unknown, req, _res, next) => {
    const status = statusOf(err);
    captureError(err, {
      ...(status !== undefined && { statusCode: status }),
      url: req.originalUrl,
      action: `${req.method} ${routeOf(req)}`,
    });
    next(err);
  };
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : undefined;
}

/** The matched route pattern (low cardinality), else the path without ids. */
function routeOf(req: { route?: { path?: unknown }; baseUrl?: string; path: string }): string {
  const pattern = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl ?? ''}${pattern}`;
  return req.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id');
}
