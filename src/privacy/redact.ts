/**
 * Redaction of structured data: attribute maps, event properties, log bodies. A key that names a secret
 * (password, token, api_key, authorization, cookie, ... plus the configured deny list) has its value
 * replaced whole; every other string is scrubbed of secrets and personal data inside it (see text.ts).
 * Keys on the allow list are left exactly as they are.
 *
 * `redactValue` / `redactAttributes` are pure (they return copies); the processors use the in-place
 * variant on records they own.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { REDACTED, scrubText, scrubTextStrict } from './text.js';

export interface RedactionOptions {
  /** false: leave keys and values alone (IP handling, pseudonymisation and consent still apply). Default true. */
  redact?: boolean;
  /** Keys never redacted (exact key or its last dot-separated segment, case-insensitive). */
  allowKeys?: readonly string[];
  /** Keys always redacted, on top of the built-in secret names. */
  denyKeys?: readonly string[];
  /**
   * Error events (Sentry): also redact keys that merely start like a secret's name (auth..., session...,
   * pass...) and scrub text with the strict rule (text.ts). Default false.
   */
  strict?: boolean;
}

const SECRET_KEY =
  /password|passwd|pwd|passphrase|secret|token|api[-_.]?key|apikey|access[-_.]?key|private[-_.]?key|authorization|cookie|credential|signature|x-csrf|x-xsrf|session[-_.]?key|card[-_.]?number|cvv|cvc|iban|ssn/i;
/** Strict mode's extra key names: broad on purpose ("author" and "passenger" go too). */
const STRICT_KEY = /pass|auth|session|credential|signature/i;
/** Deeper than this a value is replaced whole: what is not checked does not leave the process. */
const MAX_DEPTH = 10;
const MAX_CACHED_KEYS = 2_000;

export interface Redactor {
  readonly enabled: boolean;
  /** Is this key's value replaced whole? */
  isSecretKey(key: string): boolean;
  isAllowed(key: string): boolean;
  text(value: string): string;
  /** A redacted deep copy of `value`; `key`, when given, is the name it is stored under. */
  value(value: unknown, key?: string): unknown;
  /** A redacted copy of an attribute map. */
  attributes(attributes: Attributes): Attributes;
  /** Redacts an attribute map in place; returns whether anything changed. */
  attributesInPlace(attributes: Attributes): boolean;
}

function keySet(keys: readonly string[] | undefined): Set<string> {
  return new Set((keys ?? []).map((k) => k.trim().toLowerCase()).filter(Boolean));
}

function listed(set: Set<string>, key: string): boolean {
  if (set.size === 0) return false;
  const lower = key.toLowerCase();
  return set.has(lower) || set.has(lower.slice(lower.lastIndexOf('.') + 1));
}

export function createRedactor(options: RedactionOptions = {}): Redactor {
  const enabled = options.redact !== false;
  const allow = keySet(options.allowKeys);
  const deny = keySet(options.denyKeys);
  const isAllowed = (key: string) => listed(allow, key);
  const strict = options.strict === true;
  const scrub = strict ? scrubTextStrict : scrubText;
  const isSecretKeyUncached = (key: string) =>
    !isAllowed(key) && (listed(deny, key) || SECRET_KEY.test(key) || (strict && STRICT_KEY.test(key)));
  // Spans repeat the same few dozen attribute keys: remember the verdict, bounded against generated keys.
  const verdicts = new Map<string, boolean>();
  const isSecretKey = (key: string) => {
    let secret = verdicts.get(key);
    if (secret === undefined) {
      secret = isSecretKeyUncached(key);
      if (verdicts.size >= MAX_CACHED_KEYS) verdicts.clear();
      verdicts.set(key, secret);
    }
    return secret;
  };

  const value = (input: unknown, key?: string, depth = 0): unknown => {
    if (!enabled) return input;
    if (key !== undefined) {
      if (isAllowed(key)) return input;
      if (isSecretKey(key)) return input === undefined || input === null || input === '' ? input : REDACTED;
    }
    if (typeof input === 'string') return scrub(input);
    if (input === null || typeof input !== 'object') return input;
    if (depth >= MAX_DEPTH) return REDACTED;
    if (Array.isArray(input)) return input.map((v) => value(v, undefined, depth + 1));
    if (input instanceof Date || ArrayBuffer.isView(input)) return input;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[k] = value(v, k, depth + 1);
    return out;
  };

  const attributeValue = (key: string, v: AttributeValue | undefined): AttributeValue | undefined => {
    if (v === undefined || v === null || isAllowed(key)) return v;
    if (isSecretKey(key)) return v === '' ? v : REDACTED;
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v) && v.some((x) => typeof x === 'string')) {
      return (v as unknown[]).map((x) => (typeof x === 'string' ? scrub(x) : x)) as AttributeValue;
    }
    return v;
  };

  return {
    enabled,
    isSecretKey,
    isAllowed,
    text: (s) => (enabled ? scrub(s) : s),
    value: (input, key) => value(input, key),
    attributes: (attributes) => {
      if (!enabled) return { ...attributes };
      const out: Attributes = {};
      for (const [k, v] of Object.entries(attributes)) out[k] = attributeValue(k, v);
      return out;
    },
    attributesInPlace: (attributes) => {
      if (!enabled) return false;
      let changed = false;
      // for-in over the record's own plain object: no entry arrays (this runs for every log record and span).
      for (const k in attributes) {
        if (!Object.hasOwn(attributes, k)) continue;
        const v = attributes[k];
        const next = attributeValue(k, v);
        if (next !== v && !(Array.isArray(next) && Array.isArray(v) && next.every((x, i) => x === v[i]))) {
          (attributes as Record<string, AttributeValue | undefined>)[k] = next;
          changed = true;
        }
      }
      return changed;
    },
  };
}

const defaultRedactor = createRedactor();

/** A redacted deep copy of `value` with the default rules (or `options`). */
export function redactValue(value: unknown, options?: RedactionOptions): unknown {
  return (options ? createRedactor(options) : defaultRedactor).value(value);
}

/** A redacted copy of an attribute map with the default rules (or `options`). */
export function redactAttributes(attributes: Attributes, options?: RedactionOptions): Attributes {
  return (options ? createRedactor(options) : defaultRedactor).attributes(attributes);
}
