/**
 * Classification of an error by category and severity (the spec's ErrorCategory / ErrorSeverity), from
 * what the error says about itself: its name, code, HTTP status, cause chain and message. The first rule
 * that matches wins; the order puts the specific (a 429, a zod error) before the generic (a message).
 */
import { externalServiceOf } from './external.js';

export const ERROR_CATEGORIES = [
  'client',
  'server',
  'network',
  'validation',
  'authentication',
  'authorization',
  'rate_limit',
  'external_service',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const ERROR_SEVERITIES = ['critical', 'error', 'warning', 'info', 'debug'] as const;
export type ErrorSeverity = (typeof ERROR_SEVERITIES)[number];

export interface ClassifyHints {
  category?: ErrorCategory;
  severity?: ErrorSeverity;
  /** The HTTP status of the failed request, when the error object does not carry one. */
  statusCode?: number;
  /** 'client' for errors reported from the browser. */
  source?: 'server' | 'client';
  /** False for an uncaught error or unhandled rejection: the process or request died of it. */
  handled?: boolean;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'EPROTO',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const CRITICAL_CODES = new Set(['ENOSPC', 'EMFILE', 'ENFILE', 'ENOMEM', 'ERR_WORKER_OUT_OF_MEMORY']);

const NAME_RULES: [RegExp, ErrorCategory][] = [
  [/^(ZodError|ValidationError|ValidatorError|ValiError|AjvError|StructError)$/, 'validation'],
  [/^(Unauthori[sz]ed|Unauthenticated|Authentication|InvalidToken|TokenExpired|JsonWebToken)(Error|Exception)?$/, 'authentication'],
  [/^(Forbidden|Authori[sz]ation|Permission|AccessDenied|NotAllowed)(Error|Exception)?$/, 'authorization'],
  [/^(RateLimit|TooManyRequests|Throttl\w*)(Error|Exception)?$/, 'rate_limit'],
  [/^(TimeoutError|ConnectTimeoutError|SocketError|NetworkError|FetchError|HeadersTimeoutError|BodyTimeoutError)$/, 'network'],
];

const MESSAGE_RULES: [RegExp, ErrorCategory][] = [
  [/rate.?limit|too many requests|quota exceeded|throttl/i, 'rate_limit'],
  [
    /unauthori[sz]ed|unauthenticated|not authenticated|invalid (?:token|credentials|api key|session)|(?:jwt|token|session) (?:has )?expired|login required/i,
    'authentication',
  ],
  [/forbidden|permission denied|access denied|not authori[sz]ed to|insufficient (?:privileges|permissions|access)/i, 'authorization'],
  [
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|network (?:error|is unreachable)|fetch failed|timed out|timeout/i,
    'network',
  ],
  [/validation (?:failed|error)|invalid input|is required|must be (?:a|an|one of)/i, 'validation'],
];

const CRITICAL_MESSAGES = /out of memory|heap limit|maximum call stack size exceeded|no space left on device|too many open files/i;

interface Signals {
  names: string[];
  codes: string[];
  status: number | undefined;
  message: string;
}

/** Names, codes and the first HTTP status along the error and its causes (AggregateError's first error too). */
function signals(error: unknown, hints: ClassifyHints): Signals {
  const out: Signals = { names: [], codes: [], status: hints.statusCode, message: '' };
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (typeof current !== 'object') {
      if (depth === 0) out.message = String(current);
      break;
    }
    const e = current as Record<string, unknown>;
    if (typeof e.name === 'string') out.names.push(e.name);
    const ctor = (current as object).constructor?.name;
    if (ctor && ctor !== 'Object' && ctor !== e.name) out.names.push(ctor);
    if (typeof e.code === 'string') out.codes.push(e.code);
    if (typeof e.errno === 'string') out.codes.push(e.errno);
    out.status ??= httpStatus(e);
    if (depth === 0 && typeof e.message === 'string') out.message = e.message;
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return out;
}

function httpStatus(e: Record<string, unknown>): number | undefined {
  const response = e.response as Record<string, unknown> | undefined;
  for (const v of [e.status, e.statusCode, response?.status, response?.statusCode]) {
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599) return n;
  }
  return undefined;
}

/** The HTTP status the error or the hints carry (the error's own first, along its causes), if any. */
export function httpStatusOf(error: unknown, hints: ClassifyHints = {}): number | undefined {
  return signals(error, hints).status;
}

export function classifyCategory(error: unknown, hints: ClassifyHints = {}): ErrorCategory {
  if (hints.category) return hints.category;
  const s = signals(error, hints);
  for (const [pattern, category] of NAME_RULES) if (category === 'validation' && s.names.some((n) => pattern.test(n))) return category;
  if (typeof error === 'object' && error !== null && Array.isArray((error as { issues?: unknown }).issues)) return 'validation';

  if (s.status === 401) return 'authentication';
  if (s.status === 403) return 'authorization';
  if (s.status === 429) return 'rate_limit';
  if (externalServiceOf(error)) return 'external_service';
  if (s.status === 400 || s.status === 422) return 'validation';

  if (s.codes.some((c) => NETWORK_CODES.has(c) || c.startsWith('UND_ERR_'))) return 'network';
  for (const [pattern, category] of NAME_RULES) if (s.names.some((n) => pattern.test(n))) return category;
  if (s.status !== undefined && s.status >= 400 && s.status < 500) return 'client';
  if (s.status !== undefined && s.status >= 500) return 'server';
  for (const [pattern, category] of MESSAGE_RULES) if (pattern.test(s.message)) return category;
  return hints.source === 'client' ? 'client' : 'server';
}

export function classifySeverity(error: unknown, category: ErrorCategory, hints: ClassifyHints = {}): ErrorSeverity {
  if (hints.severity) return hints.severity;
  const s = signals(error, hints);
  if (hints.handled === false) return 'critical';
  if (s.codes.some((c) => CRITICAL_CODES.has(c)) || CRITICAL_MESSAGES.test(s.message)) return 'critical';
  switch (category) {
    case 'validation':
    case 'authentication':
    case 'authorization':
    case 'rate_limit':
    case 'client':
      // The request was wrong or not allowed: expected in normal operation, worth watching in bulk.
      return 'warning';
    default:
      return 'error';
  }
}

/** Sentry's level for a severity. */
export function sentryLevel(severity: ErrorSeverity): 'fatal' | 'error' | 'warning' | 'info' | 'debug' {
  return severity === 'critical' ? 'fatal' : severity;
}
