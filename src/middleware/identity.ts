/**
 * Puts who a request is for (user, session, organisation) where everything downstream finds it:
 * - the request's active span (user.id, session.id, tc9.org.id, ...);
 * - the OTel baggage of the request's context, so the analytics and error API, the baggage processors
 *   (log records, child spans) and, through the W3C baggage header, downstream services get them;
 * - Sentry's isolation scope (user id and tags), forked per request so requests never share a user.
 */
import { getRPCMetadata } from '@opentelemetry/core';
import { context, propagation, trace, type Context } from '@opentelemetry/api';
import * as Sentry from '@sentry/core';
import { BAGGAGE_KEYS, type Identity } from '../analytics/identity.js';
import { ATTR } from '../semconv.js';

export type { Identity };

/** Reads the identity of a request; headers is all the default needs. */
export type Identify<Req> = (req: Req) => Identity | undefined;

export interface IdentityOptions<Req> {
  /** Default: headers x-user-id, x-session-id, x-org-id (for services behind a gateway that sets them). */
  identify?: Identify<Req>;
  /** Put the identity into baggage (default true). Baggage travels to downstream services in the baggage header. */
  baggage?: boolean;
}

const MAX_LENGTH = 256;
// Printable ASCII and beyond, no control characters: values end up in headers and attributes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the class matches control characters on purpose, to refuse them
const SAFE = /^[^\u0000-\u001f\u007f]+$/;

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value && value.length <= MAX_LENGTH && SAFE.test(value) ? value : undefined;
}

export function identifyFromHeaders(req: { headers?: HeaderBag }): Identity {
  return {
    userId: header(req.headers, 'x-user-id'),
    sessionId: header(req.headers, 'x-session-id'),
    orgId: header(req.headers, 'x-org-id'),
  };
}

/** Only the fields with a usable value. */
function clean(identity: Identity | undefined): Identity {
  const out: Identity = {};
  for (const field of Object.keys(BAGGAGE_KEYS) as (keyof Identity)[]) {
    const v = identity?.[field];
    if (typeof v === 'string' && v !== '' && v.length <= MAX_LENGTH && SAFE.test(v)) out[field] = v;
  }
  return out;
}

/** Sets the identity on the active span and returns the context carrying it in baggage. */
export function contextWithIdentity(
  identity: Identity | undefined,
  options: { baggage?: boolean } = {},
  ctx: Context = context.active(),
): Context {
  const who = clean(identity);
  const entries = Object.entries(who) as [keyof Identity, string][];
  if (entries.length === 0) return ctx;
  // With Express/Fastify instrumented the active span is the middleware's own; the request's server
  // span, the one dashboards and Sentry's trace view group by, is kept in the RPC metadata.
  const spans = new Set([trace.getSpan(ctx), getRPCMetadata(ctx)?.span]);
  for (const span of spans) if (span) for (const [field, value] of entries) span.setAttribute(BAGGAGE_KEYS[field], value);
  if (options.baggage === false) return ctx;
  let baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  for (const [field, value] of entries) baggage = baggage.setEntry(BAGGAGE_KEYS[field], { value });
  return propagation.setBaggage(ctx, baggage);
}

/** Runs `next` in `ctx` and, when Sentry is on, in a fresh isolation scope carrying the identity. */
export function runWithIdentity<T>(ctx: Context, identity: Identity | undefined, next: () => T): T {
  return context.with(ctx, () => {
    if (!Sentry.isInitialized()) return next();
    const who = clean(identity);
    return Sentry.withIsolationScope((scope) => {
      if (who.userId) scope.setUser({ id: who.userId });
      if (who.sessionId) scope.setTag(ATTR.sessionId, who.sessionId);
      if (who.orgId) scope.setTag(ATTR.orgId, who.orgId);
      if (who.orgType) scope.setTag(ATTR.orgType, who.orgType);
      if (who.userType) scope.setTag(ATTR.userType, who.userType);
      return next();
    });
  });
}

/** identify() guarded: a throwing identify function costs the identity, never the request. */
export function safeIdentify<Req>(identify: Identify<Req>, req: Req): Identity | undefined {
  try {
    return identify(req);
  } catch {
    return undefined;
  }
}
