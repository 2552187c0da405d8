/**
 * tc9-observability/express: the Express adapter (Express is an optional peer dependency).
 *
 *   app.use(expressIdentity());          // the request's user, session and organisation on spans, baggage, Sentry
 *   app.use(expressIngest());            // the browser tracker's events endpoint (POST /v1/events)
 *   ...routes...
 *   setupExpressErrorHandler(app);       // errors a request ends with, on its span and in Sentry
 */
export { setupExpressErrorHandler, type ExpressLikeApp } from './error-handler.js';
export { expressIdentity } from '../middleware/express.js';
export { expressIngest, type ExpressIngestOptions } from '../ingest/express.js';
export type { Identify, IdentityOptions } from '../middleware/identity.js';
