/**
 * Fastify plugin: the request's identity on its span, in baggage and on Sentry's scope (see
 * identity.ts). The span and identity are read in onRequest, where the request's context is intact;
 * the handler then runs in that context from preHandler on (body parsing in between may lose it).
 *
 *   await app.register(fastifyIdentity, { identify: (req) => ({ userId: req.user?.id }) });
 */
import { context, type Context } from '@opentelemetry/api';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import {
  contextWithIdentity,
  identifyFromHeaders,
  runWithIdentity,
  safeIdentify,
  type Identity,
  type IdentityOptions,
} from './identity.js';

const STATE = Symbol('tc9.identity');
type WithState = FastifyRequest & { [STATE]?: { ctx: Context; identity: Identity | undefined } };

const plugin: FastifyPluginCallback<IdentityOptions<FastifyRequest>> = (fastify, options, done) => {
  const identify = options.identify ?? identifyFromHeaders;
  fastify.addHook('onRequest', (request: WithState, _reply, next) => {
    const identity = safeIdentify(identify, request);
    let ctx = context.active();
    try {
      ctx = contextWithIdentity(identity, options, ctx);
    } catch {
      // the identity is lost, the request goes on
    }
    request[STATE] = { ctx, identity };
    context.with(ctx, () => next());
  });
  fastify.addHook('preHandler', (request: WithState, _reply, next) => {
    const state = request[STATE];
    if (!state) return next();
    runWithIdentity(state.ctx, state.identity, () => next());
  });
  done();
};

// What fastify-plugin does: register into the parent scope, so the hooks see every route.
Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'tc9-identity' });

export const fastifyIdentity = plugin;
