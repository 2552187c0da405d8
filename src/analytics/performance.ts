/**
 * Performance helpers after the spec's PerformanceMonitor, as OpenTelemetry metrics:
 * - trackApiCall: per-route RED data in METRIC.apiCallDuration (seconds, with the HTTP semantic
 *   convention attributes http.route, http.request.method, http.response.status_code, error.type), for
 *   calls the http instrumentation does not see (or to record a route under another name);
 * - trackPageLoad: METRIC.pageLoadDuration per url.path, plus one EVENT.performance record per load.
 * Histograms use the contract's DURATION_BUCKETS_SECONDS through the instrument advice.
 */
import { SeverityNumber, type Attributes } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { ATTR, DURATION_BUCKETS_SECONDS, EVENT, METRIC } from '../semconv.js';
import { resolveIdentity, type Identity } from './identity.js';
import { instruments } from './otel.js';
import { emit, identityAttributes, text } from './record.js';
import { ValidationError } from './validation.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
const ID_SEGMENT =
  /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{15,})$/i;

export const performanceInstruments = instruments((meter) => {
  const advice = { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS };
  return {
    apiCall: meter.createHistogram(METRIC.apiCallDuration, {
      description: 'Duration of API calls recorded with trackApiCall',
      unit: 's',
      advice,
    }),
    pageLoad: meter.createHistogram(METRIC.pageLoadDuration, {
      description: 'Page load durations recorded with trackPageLoad',
      unit: 's',
      advice,
    }),
    timer: meter.createHistogram(METRIC.timerDuration, { description: 'Durations measured with startTimer/endTimer', unit: 's', advice }),
  };
});

/**
 * A route template from what may be a concrete path: query and fragment dropped, id-like segments
 * (numbers, UUIDs, long hex or Salesforce-style ids) replaced by ":id", so the metric's series stay few.
 */
export function normalizeRoute(endpoint: string): string {
  const path = endpoint.split(/[?#]/, 1)[0] || '/';
  return path
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment))
    .join('/');
}

export function durationSeconds(name: string, durationMs: unknown): number {
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) {
    throw new ValidationError([{ path: name, message: 'must be a finite number of milliseconds >= 0' }]);
  }
  return durationMs / 1000;
}

/** Records one API call's duration under its route, method and status. */
export function trackApiCall(endpoint: string, method: string, durationMs: number, statusCode: number): void {
  const seconds = durationSeconds('durationMs', durationMs);
  if (typeof endpoint !== 'string' || endpoint === '')
    throw new ValidationError([{ path: 'endpoint', message: 'must be a non-empty string' }]);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new ValidationError([{ path: 'statusCode', message: 'must be an HTTP status code (100 to 599)' }]);
  }
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  const attributes: Attributes = {
    'http.route': normalizeRoute(endpoint),
    'http.request.method': KNOWN_METHODS.has(upper) ? upper : '_OTHER',
    'http.response.status_code': statusCode,
  };
  // Server semantics: only 5xx is an error of the server.
  if (statusCode >= 500) attributes['error.type'] = String(statusCode);
  performanceInstruments().apiCall.record(seconds, attributes);
}

/** A performance measurement as one EVENT.performance log record (the store's performance_metrics rows). */
export function emitPerformanceEvent(
  metricType: string,
  metricName: string,
  durationMs: number,
  options: { path?: string; identity?: Identity; properties?: Record<string, unknown> } = {},
): void {
  const attributes: Attributes = {
    [ATTR.eventKind]: 'performance',
    [ATTR.eventId]: randomUUID(),
    [ATTR.eventSource]: 'server',
    [ATTR.metricType]: metricType,
    [ATTR.metricName]: metricName,
    [ATTR.durationMs]: durationMs,
  };
  identityAttributes(attributes, resolveIdentity(options.identity ?? {}));
  if (options.path) attributes[ATTR.urlPath] = options.path;
  for (const [key, value] of Object.entries(options.properties ?? {})) {
    if (value !== undefined && value !== null) attributes[ATTR.propPrefix + key] = text(value);
  }
  emit({ eventName: EVENT.performance, severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes });
}

/** Records a page load: the histogram per url.path and one performance event. */
export function trackPageLoad(page: string, durationMs: number, identity?: Identity): void {
  const seconds = durationSeconds('durationMs', durationMs);
  if (typeof page !== 'string' || page === '') throw new ValidationError([{ path: 'page', message: 'must be a non-empty string' }]);
  const path = normalizeRoute(page);
  performanceInstruments().pageLoad.record(seconds, { [ATTR.urlPath]: path });
  emitPerformanceEvent('page_load', path, durationMs, { path, ...(identity ? { identity } : {}) });
}
