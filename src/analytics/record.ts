/**
 * An analytics event as an OpenTelemetry event: a log record with eventName = the event's name and the
 * attributes of src/semconv.ts, laid out as the browser ingest path lays them out (src/ingest), so the
 * store's views treat server and browser events alike. The record is emitted in the active context: the
 * logs SDK takes the trace and span id from it.
 */
import { SeverityNumber, diag, type Attributes, type LogRecord } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { pathOf } from '../core/url.js';
import { ATTR, EVENT } from '../semconv.js';
import { resolveIdentity, type Identity } from './identity.js';
import { getLogger } from './otel.js';
import type { ValidEvent } from './schema.js';

/** Longest attribute value written; a property is context, not a document. */
export const MAX_VALUE_LENGTH = 4096;

/**
 * Properties of these events go to named attributes (and columns) instead of tc9.prop.*, for server events here
 * and browser events at the ingest door (src/ingest/to-log-record.ts) alike: one table, so the store's views
 * find a browser step of a journey where they find a server step.
 */
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
  return s.length > MAX_VALUE_LENGTH ? cut(s, MAX_VALUE_LENGTH) : s;
}

/**
 * The first `max` UTF-16 units of `s`, one fewer when the last would be the first half of a surrogate pair:
 * half a character is not valid Unicode, and the store refuses a row holding one.
 */
export function cut(s: string, max: number): string {
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
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

  // Loops over the event's own keys, without copies or entry arrays: this runs for every event.
  const context = event.context;
  if (context) {
    put(attributes, ATTR.urlPath, context.path ?? pathOf(context.url));
    if (context.url) put(attributes, `${ATTR.contextPrefix}url`, context.url);
    for (const key in context) {
      if (key === 'url' || key === 'path' || !Object.hasOwn(context, key)) continue;
      const named = own(CONTEXT_ATTRIBUTES, key);
      put(attributes, named ?? ATTR.contextPrefix + key, (context as Record<string, unknown>)[key]);
    }
  }
  const metadata = event.metadata;
  if (metadata) {
    for (const key in metadata) {
      const name = own(METADATA_KEYS, key);
      if (name && Object.hasOwn(metadata, key)) put(attributes, ATTR.contextPrefix + name, (metadata as Record<string, unknown>)[key]);
    }
  }

  const props = event.properties;
  const lifted = own(LIFTED, event.name);
  if (lifted) for (const [property, attribute] of lifted) put(attributes, attribute, props?.[property]);
  for (const key in props) {
    if (!Object.hasOwn(props, key) || (lifted && isLifted(lifted, key))) continue;
    const value = props[key];
    // An undefined property is absent (JSON.stringify has no text for it).
    if (value !== undefined) put(attributes, ATTR.propPrefix + key, typeof value === 'string' ? value : text(value));
  }

  return {
    eventName: event.name,
    // Milliseconds, as a Date would give them, without a Date per event.
    timestamp: event.timestamp ?? Date.now(),
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

/** The properties of event `name` that have named attributes, as [property, attribute] pairs; none for most events. */
export function liftedProperties(name: string): readonly (readonly [property: string, attribute: string])[] | undefined {
  return own(LIFTED, name);
}

function isLifted(lifted: readonly [property: string, attribute: string][], key: string): boolean {
  for (const [property] of lifted) if (property === key) return true;
  return false;
}

/** `table[key]` for the table's own keys only: an event named "constructor" must not find Object's. */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
