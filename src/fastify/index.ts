/**
 * tc9-observability/fastify: the Fastify adapter (Fastify is an optional peer dependency).
 *
 *   await app.register(fastifyIdentity());   // the request's user, session and organisation
 *   await app.register(fastifyIngest());     // the browser tracker's events endpoint (POST /v1/events)
 */
export { fastifyIdentity } from '../middleware/fastify.js';
export { fastifyIngest, type FastifyIngestOptions } from '../ingest/fastify.js';
export type { Identify, IdentityOptions } from '../middleware/identity.js';
