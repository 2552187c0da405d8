/**
 * captureError(): one call that classifies an error (category, severity, fingerprint) and reports it
 * everywhere it belongs:
 * - Sentry (captureException with the fingerprint, level and tags; a no-op when Sentry is not
 *   initialised). With Sentry's openTelemetryIntegration the event carries the active OTel trace id.
 * - the active span: recordException and status Error;
 * - an OTel event (log record EVENT.error) with the exception and classification, the store's
 *   application_errors rows;
 * - the METRIC.errors counter by category and severity.
 * Each step is guarded: reporting an error never throws another.
 */
import { SeverityNumber, SpanStatusCode, context, type Attributes } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import * as Sentry from '@sentry/core';
import { randomUUID } from 'node:crypto';
import { toError } from '../core/errors.js';
import { guard } from '../core/guard.js';
import { pathOf } from '../core/url.js';
import { ATTR, EVENT, METRIC } from '../semconv.js';
import { resolveIdentity } from '../analytics/identity.js';
import { instruments } from '../analytics/otel.js';
import { emit, identityAttributes, text } from '../analytics/record.js';
import {
  classifyCategory,
  classifySeverity,
  httpStatusOf,
  sentryLevel,
  type ClassifyHints,
  type ErrorCategory,
  type ErrorSeverity,
} from './classify.js';
import { fingerprint } from './fingerprint.js';
import { liveSpan } from './live-span.js';

export interface ErrorContext extends ClassifyHints {
  userId?: string;
  sessionId?: string;
  orgId?: string;
  /** Where it happened: a URL or a path. */
  url?: string;
  requestId?: string;
  /** UI component (browser errors) or module. */
  component?: string;
  /** What the user or job was doing. */
  action?: string;
  /** Extra Sentry tags (strings). */
  tags?: Record<string, string>;
  /** More context: Sentry `extra` and tc9.prop.* on the error event. */
  extra?: Record<string, unknown>;
}

export interface CapturedError {
  category: ErrorCategory;
  severity: ErrorSeverity;
  fingerprint: string;
  /** The error event's tc9.event.id. */
  eventId: string;
  /** Sentry's event id (also when Sentry is not initialised, then unused). */
  sentryEventId: string | undefined;
}

const SEVERITY_NUMBERS: Record<ErrorSeverity, SeverityNumber> = {
  critical: SeverityNumber.FATAL,
  error: SeverityNumber.ERROR,
  warning: SeverityNumber.WARN,
  info: SeverityNumber.INFO,
  debug: SeverityNumber.DEBUG,
};

const errorInstruments = instruments((meter) => ({
  errors: meter.createCounter(METRIC.errors, {
    description: 'Errors reported with captureError, by category and severity',
    unit: '{error}',
  }),
}));

// toError moved to the core (every layer needs it); re-exported here, where the API has always offered it.
export { toError };

const REPORT = 'captureError could not report to the';

export function captureError(error: unknown, errorContext: ErrorContext = {}): CapturedError {
  const err = toError(error);
  const category = classifyCategory(error, errorContext);
  const severity = classifySeverity(error, category, errorContext);
  const type = err.name || 'Error';
  const fp = fingerprint(type, err.message, err.stack);
  const identity = resolveIdentity(errorContext);
  const eventId = randomUUID();
  const classification: Attributes = { [ATTR.errorCategory]: category, [ATTR.errorSeverity]: severity };

  const sentryEventId = guard(`${REPORT} Sentry`, () =>
    Sentry.captureException(err, {
      fingerprint: [fp],
      level: sentryLevel(severity),
      tags: {
        ...errorContext.tags,
        category,
        severity,
        [ATTR.eventId]: eventId,
        ...(identity.sessionId ? { [ATTR.sessionId]: identity.sessionId } : {}),
        ...(identity.orgId ? { [ATTR.orgId]: identity.orgId } : {}),
      },
      ...(identity.userId ? { user: { id: identity.userId } } : {}),
      ...(errorContext.extra ? { extra: errorContext.extra } : {}),
    }),
  );

  guard(`${REPORT} span`, () => {
    const span = liveSpan();
    if (!span) return;
    span.recordException(err);
    if (!isClientError(error, errorContext)) span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span.setAttributes({ ...classification, [ATTR.errorFingerprint]: fp, 'error.type': type });
  });

  guard(`${REPORT} event`, () => {
    const attributes: Attributes = {
      [ATTR.eventKind]: 'error',
      [ATTR.eventId]: eventId,
      [ATTR.eventSource]: errorContext.source === 'client' ? 'browser' : 'server',
      [ATTR.exceptionType]: type,
      [ATTR.exceptionMessage]: err.message,
      [ATTR.errorFingerprint]: fp,
      ...classification,
    };
    if (err.stack) attributes[ATTR.exceptionStacktrace] = err.stack;
    identityAttributes(attributes, identity);
    const path = pathOf(errorContext.url);
    if (path) attributes[ATTR.urlPath] = path;
    const props: Record<string, unknown> = {
      request_id: errorContext.requestId,
      component: errorContext.component,
      action: errorContext.action,
      ...errorContext.extra,
    };
    for (const [key, value] of Object.entries(props)) {
      if (value !== undefined && value !== null) attributes[ATTR.propPrefix + key] = text(value);
    }
    emit({
      eventName: EVENT.error,
      severityNumber: SEVERITY_NUMBERS[severity],
      severityText: severity.toUpperCase(),
      body: err.message,
      attributes,
    });
  });

  guard(`${REPORT} metric`, () => errorInstruments().errors.add(1, classification));

  return { category, severity, fingerprint: fp, eventId, sentryEventId };
}

/**
 * A 4xx raised while answering an HTTP request (a server span is in the context): the client's error, not the
 * server's. OTel's HTTP conventions leave such spans unset, so error rates and the tail sampler's every-error
 * policy count server failures (5xx) only. Outside a request (a job calling an API that answers 429), the
 * status is the job's failure.
 */
function isClientError(error: unknown, errorContext: ErrorContext): boolean {
  const status = httpStatusOf(error, errorContext);
  return status !== undefined && status >= 400 && status < 500 && getRPCMetadata(context.active()) !== undefined;
}
