/**
 * Express error middleware: the error goes to Sentry (linked to the request's OTel trace through
 * openTelemetryIntegration) and onto the active span, then on to the app's own error handling.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import * as Sentry from '@sentry/core';
import { toError } from '../errors/capture.js';
import { liveSpan } from '../errors/live-span.js';

type Next = (error?: unknown) => void;
export type ErrorMiddleware = (error: unknown, req: unknown, res: unknown, next: Next) => void;

/** The part of an Express app (4 or 5) we use. */
export interface ExpressLikeApp {
  use(handler: ErrorMiddleware): unknown;
}

// One error can pass several error middlewares (or two apps); report it once.
const reported = new WeakSet<object>();

/** Errors that carry a 4xx status (validation, not found, ...) are the client's, not the service's. */
function isClientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500;
}

export function recordError(error: unknown): void {
  if (isClientError(error)) return;
  if (typeof error === 'object' && error !== null) {
    if (reported.has(error)) return;
    reported.add(error);
  }
  // The live span: Express has ended the route's request-handler span by the time error middleware runs.
  const span = liveSpan();
  if (span) {
    const exception = toError(error);
    span.recordException(exception);
    span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
  }
  if (Sentry.isInitialized()) {
    Sentry.captureException(error, { mechanism: { type: 'tc9.express', handled: false } });
  }
}

/** Add after the routes and before the app's own error handlers. */
export function setupExpressErrorHandler(app: ExpressLikeApp): void {
  app.use(function tc9ErrorHandler(error: unknown, _req: unknown, _res: unknown, next: Next) {
    recordError(error);
    next(error);
  });
}
