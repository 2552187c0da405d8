/**
 * Express middleware: the request's identity on its span, in baggage and on Sentry's scope (see
 * identity.ts). Mount it early, after whatever authenticates the request if `identify` reads that.
 *
 *   app.use(expressIdentity({ identify: (req) => ({ userId: req.user?.id, sessionId: req.session?.id }) }));
 */
import { type Context, context } from '@opentelemetry/api';
import { contextWithIdentity, identifyFromHeaders, runWithIdentity, safeIdentify, type IdentityOptions } from './identity.js';

interface RequestLike {
  headers?: Record<string, string | string[] | undefined>;
}
type Next = (error?: unknown) => void;

export function expressIdentity<Req extends RequestLike = RequestLike>(options: IdentityOptions<Req> = {}) {
  const identify = options.identify ?? (identifyFromHeaders as (req: Req) => ReturnType<typeof identifyFromHeaders>);
  return function tc9Identity(req: Req, _res: unknown, next: Next): void {
    const identity = safeIdentify(identify, req);
    let ctx: Context;
    try {
      ctx = contextWithIdentity(identity, options);
    } catch {
      ctx = context.active();
    }
    runWithIdentity(ctx, identity, () => next());
  };
}
