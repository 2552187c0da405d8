/**
 * Fastify adapter: a plugin answering POST (and CORS OPTIONS) on the events path.
 *
 *   await app.register(fastifyIngest, { config });   // POST /v1/events
 *
 * Inside the plugin's own context every content type is handed over as the raw stream, so the
 * handler applies its size limit and reads sendBeacon's text/plain like JSON; the app's parsers
 * elsewhere are untouched.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { createIngestHandler, DEFAULT_INGEST_PATH, type IngestOptions, type IngestResponse } from './handler.js';

export interface FastifyIngestOptions extends IngestOptions {
  /** Default /v1/events. */
  path?: string;
}

export const fastifyIngest: FastifyPluginAsync<FastifyIngestOptions> = async (app, options) => {
  const handler = createIngestHandler(options);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.route({
    method: ['POST', 'OPTIONS'],
    url: options.path ?? DEFAULT_INGEST_PATH,
    handler: async (request, reply) => {
      const body = request.body;
      const response = await handler.handle({
        method: request.method,
        headers: request.headers,
        clientAddress: request.ip,
        body: isStream(body) ? { stream: body } : body === undefined ? { text: '' } : { parsed: body },
      });
      return send(reply, response);
    },
  });
};

function isStream(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).on === 'function' &&
    typeof (value as Readable).read === 'function'
  );
}

function send(reply: FastifyReply, response: IngestResponse): FastifyReply {
  reply.code(response.status).headers(response.headers);
  return response.body ? reply.send(response.body) : reply.send();
}
