/**
 * What must not leave the process in a Sentry event (Sentry's beforeSend and beforeBreadcrumb): cookies,
 * user identity beyond an id, local variables, and, through the redactor of the configuration (allow and
 * deny keys, TC9_PRIVACY_REDACT), secrets and personal data in messages, exception values, source lines,
 * request data, breadcrumbs, extra and tags. The redactor is the one spans and events use, in strict mode.
 */
import type { Breadcrumb, Event } from '@sentry/core';
import { createRedactor, type RedactionOptions } from './redact.js';
import { REDACTED } from './text.js';

/** Header names that carry credentials whatever the redaction rules say about keys. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-csrf-token|x-xsrf-token)$/i;

export type SentryEventScrubber = <T extends Event>(event: T) => T;

/** A scrubber applying `options` (config.privacy) with the strict rules. */
export function createSentryScrubber(options: Omit<RedactionOptions, 'strict'> = {}): SentryEventScrubber {
  const redactor = createRedactor({ ...options, strict: true });
  const on = redactor.enabled;
  const text = redactor.text;
  const value = <V>(v: V): V => redactor.value(v) as V;

  const headers = (input: Record<string, string>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(input)) {
      out[k] = on && !redactor.isAllowed(k) && (SECRET_HEADERS.test(k) || redactor.isSecretKey(k)) ? REDACTED : text(String(v));
    }
    return out;
  };

  const breadcrumb = (b: Breadcrumb): Breadcrumb => ({
    ...b,
    message: b.message === undefined ? undefined : text(b.message),
    data: b.data && value(b.data),
  });

  return (event) => {
    if (event.message) event.message = text(event.message);
    for (const ex of event.exception?.values ?? []) {
      if (ex.value) ex.value = text(ex.value);
      // Source lines around each frame can hold literals (addresses, keys) just like messages.
      for (const frame of ex.stacktrace?.frames ?? []) {
        if (frame.context_line) frame.context_line = text(frame.context_line);
        if (frame.pre_context) frame.pre_context = frame.pre_context.map(text);
        if (frame.post_context) frame.post_context = frame.post_context.map(text);
        delete frame.vars;
      }
    }
    if (event.request) {
      const r = event.request;
      delete r.cookies;
      if (r.headers) r.headers = headers(r.headers);
      if (r.url) r.url = text(r.url);
      if (typeof r.query_string === 'string') r.query_string = text(r.query_string);
      else if (r.query_string) r.query_string = value(r.query_string);
      if (r.data !== undefined) r.data = value(r.data);
    }
    if (event.user) event.user = event.user.id === undefined ? {} : { id: event.user.id };
    if (event.breadcrumbs) event.breadcrumbs = event.breadcrumbs.map(breadcrumb);
    if (event.extra) event.extra = value(event.extra);
    if (event.tags) event.tags = value(event.tags);
    return event;
  };
}

/** The scrubber with the default rules (no allow or deny keys). */
export const scrubEvent: SentryEventScrubber = createSentryScrubber();
