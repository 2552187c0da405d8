/**
 * Who an event or error is about, as the request middleware leaves it in the active context's baggage
 * (user.id, session.id, tc9.org.id; see src/middleware). Explicit values always win over baggage.
 */
import { context, propagation, type Context } from '@opentelemetry/api';
import { ATTR } from '../semconv.js';

export interface Identity {
  userId?: string;
  sessionId?: string;
  orgId?: string;
  orgType?: string;
  userType?: string;
}

/** Baggage keys, named as the attributes they become. */
export const BAGGAGE_KEYS = {
  userId: ATTR.userId,
  sessionId: ATTR.sessionId,
  orgId: ATTR.orgId,
  orgType: ATTR.orgType,
  userType: ATTR.userType,
} as const satisfies Record<keyof Identity, string>;

export function identityFromBaggage(ctx: Context = context.active()): Identity {
  const baggage = propagation.getBaggage(ctx);
  if (!baggage) return {};
  const out: Identity = {};
  for (const [field, key] of Object.entries(BAGGAGE_KEYS) as [keyof Identity, string][]) {
    const value = baggage.getEntry(key)?.value;
    if (value) out[field] = value;
  }
  return out;
}

/** `explicit` completed from the active baggage. */
export function resolveIdentity(explicit: Identity, ctx?: Context): Identity {
  const fromBaggage = identityFromBaggage(ctx);
  return {
    userId: explicit.userId ?? fromBaggage.userId,
    sessionId: explicit.sessionId ?? fromBaggage.sessionId,
    orgId: explicit.orgId ?? fromBaggage.orgId,
    orgType: explicit.orgType ?? fromBaggage.orgType,
    userType: explicit.userType ?? fromBaggage.userType,
  };
}
