import type { ErrorRequestHandler, RequestHandler } from 'express';

/** An error meant for the client: its status and message go into the JSON response as they are. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, `${what} ${id} not found`);
}

/** Unmatched routes. */
export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no route for ${req.method} ${req.path}`));
};

export type ErrorListener = (err: unknown, req: { method: string; path: string }) => void;

/**
 * The last error handler: every error becomes a JSON body. Client errors keep their message; anything else is a
 * 500 whose details stay in the process (reported through `onServerError`, and to Sentry by the handler that
 * tc9-observability installs before this one), with Sentry's event id when there is one.
 */
export function jsonErrorHandler(onServerError: ErrorListener): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = clientErrorStatus(err);
    if (status !== undefined) {
      res.status(status).json({ error: clientErrorMessage(err, status) });
      return;
    }
    onServerError(err, req);
    const eventId = (res as { sentry?: unknown }).sentry;
    res.status(500).json({ error: 'internal server error', ...(typeof eventId === 'string' && { eventId }) });
  };
}

/** The status of an error the client caused: ours, or body-parser's (malformed JSON, body too large). */
function clientErrorStatus(err: unknown): number | undefined {
  if (err instanceof HttpError) return err.status;
  const status = (err as { status?: unknown; expose?: unknown } | null)?.status;
  const expose = (err as { expose?: unknown } | null)?.expose;
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true ? status : undefined;
}

function clientErrorMessage(err: unknown, status: number): string {
  if (err instanceof HttpError) return err.message;
  if ((err as { type?: unknown }).type === 'entity.parse.failed') return 'body: malformed JSON';
  return err instanceof Error ? `body: ${err.message}` : `request failed with status ${status}`;
}
