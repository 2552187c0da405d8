/**
 * Express adapter: a Router answering POST (and CORS OPTIONS) on the events path.
 *
 *   app.use(expressIngest({ config }));   // POST /v1/events
 *
 * Mount it before body parsers such as express.json(): it reads the body itself, with its own size
 * limit and for sendBeacon's text/plain as well. If a parser did run first, its result is used.
 */
import { Router, type Request, type Response } from 'express';
import { createIngestHandler, DEFAULT_INGEST_PATH, type IngestOptions, type IngestResponse } from './handler.js';

export interface ExpressIngestOptions extends IngestOptions {
  /** Default /v1/events. */
  path?: string;
}

export function expressIngest(options: ExpressIngestOptions = {}): Router {
  const handler = createIngestHandler(options);
  const router = Router();
  router.all(options.path ?? DEFAULT_INGEST_PATH, (req: Request, res: Response, next) => {
    handler
      .handle({
        method: req.method,
        headers: req.headers,
        clientAddress: req.ip ?? req.socket.remoteAddress,
        body: req.body !== undefined ? { parsed: req.body as unknown } : { stream: req },
      })
      .then((response) => send(res, response))
      .catch(next);
  });
  return router;
}

function send(res: Response, response: IngestResponse): void {
  res.status(response.status).set(response.headers);
  if (response.body) res.json(response.body);
  else res.end();
}
