/**
 * Strips what must not leave the process in a Sentry event: cookies, credentials in headers, user
 * identity beyond an id, and e-mail addresses / tokens inside messages, request data and breadcrumbs.
 * Used as Sentry's beforeSend; the privacy module can replace it with a richer redactor.
 */
import type { Breadcrumb, Event } from '@sentry/node';

export const REDACTED = '[redacted]';

const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-csrf-token|x-xsrf-token)$/i;
const SECRET_KEYS = /pass(word)?|secret|token|api[-_]?key|auth|session|cookie|credential|private[-_]?key|signature/i;

const TEXT_RULES: [RegExp, string][] = [
  // Credentials inside URLs (scheme://user:password@host), before the e-mail rule sees "password@host".
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, `$1:${REDACTED}@`],
  [/\b[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}\b/gi, '[email]'],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, `Bearer ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[jwt]'],
  // key=value / key: value pairs whose key names a secret (query strings, connection strings, log lines).
  [/\b((?:pass(?:word)?|secret|token|api[-_]?key|access[-_]?key|auth)[A-Za-z_-]*)(["']?\s*[=:]\s*["']?)[^\s&"',;]+/gi, `$1$2${REDACTED}`],
];

export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy of plain data with secret-named keys redacted and every string scrubbed. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? REDACTED : scrubValue(v, depth + 1);
  return out;
}

function scrubHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.test(k) ? REDACTED : scrubText(String(v));
  return out;
}

function scrubBreadcrumb(b: Breadcrumb): Breadcrumb {
  return { ...b, message: b.message === undefined ? undefined : scrubText(b.message), data: b.data && (scrubValue(b.data) as Breadcrumb['data']) };
}

export function scrubEvent<T extends Event>(event: T): T {
  if (event.message) event.message = scrubText(event.message);
  for (const ex of event.exception?.values ?? []) {
    if (ex.value) ex.value = scrubText(ex.value);
    // Source lines around each frame can hold literals (addresses, keys) just like messages.
    for (const frame of ex.stacktrace?.frames ?? []) {
      if (frame.context_line) frame.context_line = scrubText(frame.context_line);
      if (frame.pre_context) frame.pre_context = frame.pre_context.map(scrubText);
      if (frame.post_context) frame.post_context = frame.post_context.map(scrubText);
      delete frame.vars;
    }
  }
  if (event.request) {
    const r = event.request;
    delete r.cookies;
    if (r.headers) r.headers = scrubHeaders(r.headers);
    if (r.url) r.url = scrubText(r.url);
    if (typeof r.query_string === 'string') r.query_string = scrubText(r.query_string);
    else if (r.query_string) r.query_string = scrubValue(r.query_string) as typeof r.query_string;
    if (r.data !== undefined) r.data = scrubValue(r.data);
  }
  if (event.user) event.user = event.user.id === undefined ? {} : { id: event.user.id };
  if (event.breadcrumbs) event.breadcrumbs = event.breadcrumbs.map(scrubBreadcrumb);
  if (event.extra) event.extra = scrubValue(event.extra) as typeof event.extra;
  if (event.tags) event.tags = scrubValue(event.tags) as typeof event.tags;
  return event;
}
