/**
 * A hand-written check of the common event shape, so track() pays ~1 µs instead of zod's ~5-9 µs per event.
 * It only ever says "valid for sure": anything it is unsure of (a URL, an unknown key, a class instance, an
 * invalid value) goes to the zod schema, which accepts or rejects it with the field-by-field messages. So it
 * must never pass an event the schema rejects (tests/analytics/quick-check.test.ts compares the two), and
 * what it passes is used as-is: the fields toLogRecord reads are the ones the schema would have returned.
 */
import { EVENT } from '../semconv.js';
import {
  EVENT_NAME_PATTERN,
  MAX_PROPERTIES,
  PROPERTY_KEY_PATTERN,
  RESERVED_NAMES,
  SCREEN_RESOLUTION,
  SEMVER,
  notJson,
  type ValidEvent,
} from './schema.js';

const TOP_LEVEL: Record<string, (value: unknown) => boolean> = {
  name: (v) => typeof v === 'string' && EVENT_NAME_PATTERN.test(v) && !RESERVED_NAMES.has(v),
  userId: optionalText(256),
  sessionId: optionalText(128),
  timestamp: (v) => v === undefined || (v instanceof Date && !Number.isNaN(v.getTime())),
  properties: (v) => v === undefined || properties(v),
  context: (v) => v === undefined || context(v),
  metadata: (v) => v === undefined || metadata(v),
  orgId: optionalText(256),
  orgType: optionalText(64),
  userType: optionalText(64),
};

const CONTEXT: Record<string, (value: unknown) => boolean> = {
  // URLs are left to the schema (z.url's rules are not worth repeating here).
  url: (v) => v === undefined,
  referrer: (v) => v === undefined,
  path: (v) => v === undefined || (text(v, 2048) && (v as string).startsWith('/')),
  userAgent: optionalText(1024),
  browser: optionalText(128),
  os: optionalText(128),
  device: (v) => v === undefined || v === 'mobile' || v === 'desktop' || v === 'tablet' || v === 'other',
  screenResolution: (v) => v === undefined || (typeof v === 'string' && SCREEN_RESOLUTION.test(v)),
  timezone: optionalText(64),
  locale: optionalText(35),
  title: optionalText(512),
};

const METADATA: Record<string, (value: unknown) => boolean> = {
  version: (v) => v === undefined || (typeof v === 'string' && SEMVER.test(v)),
  environment: (v) => v === undefined || v === 'development' || v === 'staging' || v === 'production' || v === 'test',
  buildId: optionalText(128),
  deploymentId: optionalText(128),
  source: (v) => v === undefined || v === 'client' || v === 'server' || v === 'api',
  retryCount: (v) => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0),
  transmissionId: optionalText(128),
};

/** True when `event` certainly passes analyticsEventSchema; false means "ask the schema". */
export function quickValid(event: unknown): event is ValidEvent {
  return plain(event) && fields(event, TOP_LEVEL) && requiredProperties(event as ValidEvent);
}

/**
 * Every checked field valid (read directly, as the schema reads them), no key beyond them unless `extra`
 * accepts its value, and every defined field an enumerable one of its own: toLogRecord copies context and
 * metadata by their enumerable keys, where the schema's output would have had every field.
 */
function fields(
  v: Record<string, unknown>,
  checks: Record<string, (value: unknown) => boolean>,
  extra?: (value: unknown) => boolean,
): boolean {
  let defined = 0;
  for (const key in checks) {
    const value = v[key];
    if (!checks[key]!(value)) return false;
    if (value !== undefined) defined++;
  }
  let seen = 0;
  for (const key in v) {
    if (Object.hasOwn(checks, key)) {
      if (v[key] !== undefined) seen++;
    } else if (!extra || key === '__proto__' || !extra(v[key])) {
      return false;
    }
  }
  return seen === defined;
}

function text(v: unknown, max: number): boolean {
  return typeof v === 'string' && v.length >= 1 && v.length <= max;
}

function optionalText(max: number): (v: unknown) => boolean {
  return (v) => v === undefined || text(v, max);
}

/** An object literal (or null-prototype object) without symbol keys: what the schema's key loops see fully. */
function plain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && Object.getOwnPropertySymbols(v).length === 0;
}

function properties(v: unknown): boolean {
  if (!plain(v)) return false;
  let count = 0;
  for (const key in v) {
    if (key === '__proto__' || !PROPERTY_KEY_PATTERN.test(key) || notJson(v[key], 0) !== undefined) return false;
    if (++count > MAX_PROPERTIES) return false;
  }
  return true;
}

function context(v: unknown): boolean {
  return plain(v) && fields(v, CONTEXT, contextExtra);
}

/** Further context: a non-empty string, a finite number or a boolean. */
function contextExtra(value: unknown): boolean {
  return text(value, 1024) || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
}

function metadata(v: unknown): boolean {
  return plain(v) && fields(v, METADATA);
}

/** schema.ts requireProperties: the reserved names that need properties for their columns. */
function requiredProperties(event: ValidEvent): boolean {
  const p = event.properties ?? {};
  const has = (key: string) => typeof p[key] === 'string' && (p[key] as string).length > 0;
  if (event.name === EVENT.featureUsed) return has('feature');
  if (event.name === EVENT.experimentExposure) return has('experiment') && has('variant');
  return true;
}
