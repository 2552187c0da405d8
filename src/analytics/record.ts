/**
 * An analytics event as an OpenTelemetry event: a log record with eventName = the event's name and the
 * attributes of src/semconv.ts, laid out as the browser ingest path lays them out (src/ingest), so the
 * store's views treat server and browser events alike. The record is emitted in the active context: the
 * logs SDK takes the trace and span id from it.
 */
import { SeverityNumber, diag, type Attributes, type LogRecord } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { ATTR, EVENT } from '../semconv.js';
import { resolveIdentity, type Identity } from './identity.js';
import { getLogger } from './otel.js';
import type { ValidEvent } from './schema.js';

/** Longest attribute value written; a property is context, not a document. */
export const MAX_VALUE_LENGTH = 4096;

/** Properties of these events go to named attributes (and columns) instead of tc9.prop.*. */
const LIFTED: Record<string, [property: string, attribute: string][]> = {
  [EVENT.featureUsed]: [
    ['feature', ATTR.featureName],
    ['durationMs', ATTR.durationMs],
  ],
  [EVENT.experimentExposure]: [
    ['experiment', ATTR.experimentKey],
    ['variant', ATTR.experimentVariant],
  ],
  [EVENT.sessionEnd]: [['durationMs', ATTR.durationMs]],
};

/** Named context fields and their attributes; other context keys become tc9.ctx.<key>. */
const CONTEXT_ATTRIBUTES: Record<string, string> = {
  referrer: ATTR.referrer,
  userAgent: ATTR.userAgent,
  browser: ATTR.browserName,
  os: ATTR.osName,
  device: ATTR.deviceType,
};

/** Metadata fields as context attributes (the resource already says service version and environment). */
const METADATA_KEYS: Record<string, string> = {
  version: 'app_version',
  environment: 'environment',
  buildId: 'build_id',
  deploymentId: 'deployment_id',
  retryCount: 'retry_count',
  transmissionId: 'transmission_id',
};

const SOURCES: Record<string, string> = { client: 'browser', server: 'server', api: 'api' };

export function text(value: unknown): string {
  const s = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  return s.length > MAX_VALUE_LENGTH ? s.slice(0, MAX_VALUE_LENGTH) : s;
}

/** Sets `key` unless the value is empty. */
function put(attributes: Attributes, key: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  attributes[key] = typeof value === 'number' || typeof value === 'boolean' ? value : text(value);
}

/** The who-attributes every event of ours carries. */
export function identityAttributes(attributes: Attributes, identity: Identity): void {
  put(attributes, ATTR.userId, identity.userId);
  put(attributes, ATTR.sessionId, identity.sessionId);
  put(attributes, ATTR.orgId, identity.orgId);
  put(attributes, ATTR.orgType, identity.orgType);
  put(attributes, ATTR.userType, identity.userType);
}

export function toLogRecord(event: ValidEvent, eventId: string = randomUUID()): LogRecord {
  const attributes: Attributes = {
    [ATTR.eventKind]: 'analytics',
    [ATTR.eventId]: eventId,
    [ATTR.eventSource]: SOURCES[event.metadata?.source ?? 'server'] ?? 'server',
  };
  identityAttributes(attributes, resolveIdentity(event));

  const { url, path, ...restContext } = event.context ?? {};
  put(attributes, ATTR.urlPath, path ?? pathOf(url));
  if (url) put(attributes, `${ATTR.contextPrefix}url`, url);
  for (const [key, value] of Object.entries(restContext)) {
    const named = own(CONTEXT_ATTRIBUTES, key);
    put(attributes, named ?? ATTR.contextPrefix + key, value);
  }
  for (const [key, value] of Object.entries(event.metadata ?? {})) {
    const name = METADATA_KEYS[key];
    if (name) put(attributes, ATTR.contextPrefix + name, value);
  }

  const props: Record<string, unknown> = { ...event.properties };
  for (const [property, attribute] of own(LIFTED, event.name) ?? []) {
    put(attributes, attribute, props[property]);
    delete props[property];
  }
  for (const key in props) {
    const value = props[key];
    // An undefined property is absent (JSON.stringify has no text for it).
    if (value !== undefined) put(attributes, ATTR.propPrefix + key, typeof value === 'string' ? value : text(value));
  }

  return {
    eventName: event.name,
    timestamp: event.timestamp ?? new Date(),
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    attributes,
  };
}

/** Emits in the active context; a failing logs pipeline is reported through diag, never thrown. */
export function emit(record: LogRecord): void {
  try {
    getLogger().emit(record);
  } catch (error) {
    diag.error(`tc9-observability: could not emit event ${record.eventName ?? ''}`, error);
  }
}

/** `table[key]` for the table's own keys only: an event named "constructor" must not find Object's. */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The path of an absolute URL; undefined when there is none or it does not parse. */
export function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
