/**
 * tc9-observability/trpc: a tRPC (v11) middleware that observes every procedure call (`@trpc/server` is an optional
 * peer dependency; nothing here imports it: errors are read by their `code`, as TRPCError carries it).
 *
 *   const t = initTRPC.context<Context>().create();
 *   const observed = t.procedure.use(trpcObservability({ identify: (ctx) => ({ userId: ctx.user?.id }) }));
 *
 * Per call:
 * - a span named after OTel's RPC conventions (`{service}/{method}` of the procedure path `service.method`), with
 *   rpc.system=trpc, rpc.service, rpc.method and tc9.trpc.type, under the HTTP server span;
 * - the HTTP server span's http.route becomes the procedure (`/trpc/migration.create`), so the request metric
 *   (http.server.request.duration) and the Performance dashboard show procedures as routes;
 * - the caller's identity (user, session, organisation) from `identify(ctx)` on the spans, in baggage and Sentry;
 * - a failure classified from its TRPCError code (BAD_REQUEST -> validation, UNAUTHORIZED -> authentication, ...):
 *   server-side failures (5xx codes, and errors that are not TRPCErrors) go to captureError (Sentry, the error
 *   event, the errors metric); client errors (4xx codes) are marked on the span only, never as its error status.
 */
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { Identity } from '../analytics/identity.js';
import { captureError } from '../errors/capture.js';
import type { ErrorCategory, ErrorSeverity } from '../errors/classify.js';
import { contextWithIdentity, runWithIdentity, safeIdentify } from '../middleware/identity.js';
import { ATTR, SCOPE_NAME } from '../semconv.js';

export interface TrpcObservabilityOptions<Ctx> {
  /** Who is calling, from the procedure's context. */
  identify?: (ctx: Ctx) => Identity | undefined;
  /** Where the tRPC handler is mounted, for the server span's http.route (default '/trpc/'; '/' for the standalone adapter). */
  routePrefix?: string;
}

/** What tRPC's next() resolves to (its MiddlewareResult): ok with data, or not ok with a TRPCError. */
interface CallResult {
  ok: boolean;
  error?: unknown;
}

interface CallOptions<Ctx, R> {
  ctx: Ctx;
  type: string;
  path: string;
  next: () => Promise<R>;
}

interface Outcome {
  status: number;
  category: ErrorCategory;
  severity: ErrorSeverity;
}

/** TRPCError codes: the HTTP status tRPC answers with, and our classification. */
const CODES: Record<string, Outcome> = {
  PARSE_ERROR: { status: 400, category: 'validation', severity: 'warning' },
  BAD_REQUEST: { status: 400, category: 'validation', severity: 'warning' },
  UNPROCESSABLE_CONTENT: { status: 422, category: 'validation', severity: 'warning' },
  UNAUTHORIZED: { status: 401, category: 'authentication', severity: 'warning' },
  FORBIDDEN: { status: 403, category: 'authorization', severity: 'warning' },
  PAYMENT_REQUIRED: { status: 402, category: 'authorization', severity: 'warning' },
  NOT_FOUND: { status: 404, category: 'client', severity: 'info' },
  METHOD_NOT_SUPPORTED: { status: 405, category: 'client', severity: 'warning' },
  TIMEOUT: { status: 408, category: 'client', severity: 'warning' },
  CONFLICT: { status: 409, category: 'client', severity: 'warning' },
  PRECONDITION_FAILED: { status: 412, category: 'client', severity: 'warning' },
  PAYLOAD_TOO_LARGE: { status: 413, category: 'client', severity: 'warning' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, category: 'client', severity: 'warning' },
  TOO_MANY_REQUESTS: { status: 429, category: 'rate_limit', severity: 'warning' },
  CLIENT_CLOSED_REQUEST: { status: 499, category: 'client', severity: 'info' },
  INTERNAL_SERVER_ERROR: { status: 500, category: 'server', severity: 'error' },
  NOT_IMPLEMENTED: { status: 501, category: 'server', severity: 'error' },
  BAD_GATEWAY: { status: 502, category: 'external_service', severity: 'error' },
  SERVICE_UNAVAILABLE: { status: 503, category: 'external_service', severity: 'error' },
  GATEWAY_TIMEOUT: { status: 504, category: 'external_service', severity: 'error' },
};

/** The classification of a failed call: by its TRPCError code, else a server error. */
export function trpcOutcome(error: unknown): Outcome & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CODES[code]) return { code, ...CODES[code] };
  return { code: 'INTERNAL_SERVER_ERROR', ...CODES.INTERNAL_SERVER_ERROR! };
}

export function trpcObservability<Ctx = unknown>(options: TrpcObservabilityOptions<Ctx> = {}) {
  const prefix = options.routePrefix ?? '/trpc/';
  const tracer = trace.getTracer(SCOPE_NAME);
  return async function tc9Trpc<R extends CallResult>({ ctx, type, path, next }: CallOptions<Ctx, R>): Promise<R> {
    const identity = options.identify ? safeIdentify(options.identify, ctx) : undefined;
    nameRoute(prefix, path);
    const dot = path.lastIndexOf('.');
    const service = dot > 0 ? path.slice(0, dot) : '';
    const method = dot > 0 ? path.slice(dot + 1) : path;
    const attributes = { 'rpc.system': 'trpc', 'rpc.service': service, 'rpc.method': method, 'tc9.trpc.type': type };
    return tracer.startActiveSpan(service ? `${service}/${method}` : method, { kind: SpanKind.INTERNAL, attributes }, (span) =>
      runWithIdentity(contextWithIdentity(identity), identity, async () => {
        try {
          const result = await next();
          if (!result.ok) record(result.error, type, path);
          return result;
        } finally {
          span.end();
        }
      }),
    );
  };
}

/** The server span's http.route: the procedure, or the procedures of a batch (`/trpc/a,b`), as in the URL. */
function nameRoute(prefix: string, path: string): void {
  const meta = getRPCMetadata(context.active());
  if (meta?.type !== RPCType.HTTP) return;
  const paths = meta.route?.startsWith(prefix) ? meta.route.slice(prefix.length).split(',') : [];
  if (!paths.includes(path)) paths.push(path);
  meta.route = `${prefix}${paths.join(',')}`;
}

function record(error: unknown, type: string, path: string): void {
  const outcome = trpcOutcome(error);
  const span = trace.getActiveSpan();
  span?.setAttributes({
    'rpc.response.status_code': outcome.code,
    [ATTR.errorCategory]: outcome.category,
    [ATTR.errorSeverity]: outcome.severity,
  });
  if (outcome.status < 500) return;
  // tRPC wraps what a resolver threw in a TRPCError; its cause is the error the developer wants to see.
  const thrown = (error as { cause?: unknown } | null)?.cause ?? error;
  captureError(thrown, {
    category: outcome.category,
    severity: outcome.severity,
    statusCode: outcome.status,
    action: `trpc ${type} ${path}`,
  });
  span?.setStatus({ code: SpanStatusCode.ERROR, message: String((thrown as { message?: unknown })?.message ?? outcome.code) });
}
