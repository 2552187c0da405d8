/**
 * A seeded generator of malformed, oversized, deeply nested and hostile inputs for the ingest endpoint
 * and the analytics API. Seeded, so a failure names a seed and index that reproduce it.
 */
import { randomUUID } from 'node:crypto';
import { seededRandom } from '../../examples/migration-service/run/random.js';

export type Random = () => number;

/** The reference service's seeded stream (mulberry32): small, fast, good enough to pick cases. */
export const seeded: (seed: number) => Random = seededRandom;

export const SQL_INJECTIONS = [
  "'); DROP TABLE otel_logs; --",
  "' OR 1=1 --",
  '" OR ""="',
  '1; DELETE FROM otel_logs WHERE 1=1',
  "'; TRUNCATE TABLE otel_traces; SELECT '",
  '{name:String}',
  "\\'; DROP DATABASE otel; --",
  "x' UNION SELECT * FROM system.users --",
  '`; SYSTEM SHUTDOWN; --',
  '0x27 OR 0x31=0x31',
];

const STRANGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u001f',
  '\ud800',
  '\udfff\ud800',
  '🚀'.repeat(100),
  'ﷺ'.repeat(50),
  '\u202e\u202d',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '../../etc/passwd',
  '%00%0d%0a',
  '\r\nSet-Cookie: x=1',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'NaN',
  'Infinity',
  '-0',
  '1e400',
  'null',
  'undefined',
  'a'.repeat(129),
  'x'.repeat(5000),
  ...SQL_INJECTIONS,
];

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, max: number) => Math.floor(random() * max);

export function hostileString(random: Random): string {
  switch (int(random, 4)) {
    case 0:
      return pick(random, STRANGE_STRINGS);
    case 1:
      return Array.from({ length: int(random, 40) }, () => String.fromCharCode(int(random, 0x10000))).join('');
    case 2:
      return pick(random, STRANGE_STRINGS) + pick(random, STRANGE_STRINGS);
    default:
      return 'x'.repeat(int(random, 3) === 0 ? 20_000 : int(random, 300));
  }
}

/** Arrays (or objects) nested `depth` deep, as text: JSON.parse makes the value. */
export function nestedJson(depth: number, asObject: boolean): string {
  return asObject ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : '['.repeat(depth) + ']'.repeat(depth);
}

/** Any JSON value, of bounded size, strange more often than not. */
export function hostileJsonValue(random: Random, depth = 0): unknown {
  const r = int(random, depth > 3 ? 6 : 9);
  switch (r) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [0, -1, 1.5, -0, 2 ** 53, -(2 ** 63), 1e308, -1e-308, 123456789012345680000]);
    case 3:
    case 4:
      return hostileString(random);
    case 5:
      return int(random, 10);
    case 6:
      return Array.from({ length: int(random, 5) }, () => hostileJsonValue(random, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = int(random, 5); i > 0; i--)
        out[random() < 0.3 ? pick(random, STRANGE_STRINGS) : `k${i}`] = hostileJsonValue(random, depth + 1);
      return out;
    }
  }
}

/** A browser event the ingest endpoint accepts. */
export function validBrowserEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    event: 'page.view',
    sessionId: 'session-1',
    timestamp: new Date().toISOString(),
    context: { path: '/reports' },
    ...overrides,
  };
}

const EVENT_FIELDS = ['id', 'event', 'sessionId', 'userId', 'timestamp', 'properties', 'context', 'metadata'];

/** A browser event made invalid in one field (or a few). */
export function invalidBrowserEvent(random: Random): unknown {
  const event = validBrowserEvent();
  const field = pick(random, EVENT_FIELDS);
  switch (int(random, 7)) {
    case 0:
      delete event[field === 'userId' || field === 'properties' || field === 'context' || field === 'metadata' ? 'id' : field];
      break;
    case 1:
      event.id = pick(random, [hostileString(random), 42, null, {}, [], `${randomUUID().toUpperCase()}x`]);
      break;
    case 2:
      event.event = pick(random, [
        ...SQL_INJECTIONS,
        '',
        '9starts.with.digit',
        'x'.repeat(129),
        'tc9.error',
        'tc9.performance',
        'feature.used',
      ]);
      break;
    case 3:
      event.timestamp = pick(random, ['yesterday', '2025-13-40T99:99:99Z', 1_700_000_000_000, '', null]);
      break;
    case 4:
      event.properties = pick(random, [
        Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, i])),
        { [pick(random, SQL_INJECTIONS)]: 1 },
        { 'bad key': 1 },
        [1, 2, 3],
        'not an object',
      ]);
      break;
    case 5:
      event.context = pick(random, [
        { url: 'javascript:alert(1)' },
        { path: 'no-slash' },
        { screenResolution: '1e9x1' },
        { locale: 'x'.repeat(36) },
        'ctx',
      ]);
      break;
    default:
      event.sessionId = pick(random, ['', 'x'.repeat(129), 7, null]);
  }
  return event;
}

export interface IngestCase {
  kind: string;
  method?: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** False: a hostile but acceptable payload (e.g. a deeply nested property); any answer but 5xx is right. */
  invalid: boolean;
}

/** One request for the ingest endpoint; `writeKey` is accepted by the server under test. */
export function ingestCase(random: Random, writeKey: string): IngestCase {
  const headers = { 'content-type': 'application/json', 'x-write-key': writeKey };
  const json = (value: unknown) => JSON.stringify(value);
  const r = int(random, 100);
  if (r < 10)
    return {
      kind: 'garbage bytes',
      headers,
      body: Buffer.from(Array.from({ length: int(random, 2000) + 1 }, () => int(random, 256))),
      invalid: true,
    };
  if (r < 18) {
    const text = json({ batch: [validBrowserEvent()] });
    return { kind: 'truncated JSON', headers, body: text.slice(0, int(random, text.length - 1)), invalid: true };
  }
  if (r < 28) return { kind: 'random JSON', headers, body: json(hostileJsonValue(random)), invalid: true };
  if (r < 31) {
    const depth = 1000 + int(random, 100_000);
    return { kind: 'deeply nested body', headers, body: nestedJson(depth, random() < 0.5), invalid: true };
  }
  if (r < 36) {
    // Events whose properties nest a little (acceptable, up to 8 levels) or far deeper than anything sensible.
    const depth = random() < 0.3 ? 1 + int(random, 8) : 9 + int(random, 60_000);
    const inner = nestedJson(depth, random() < 0.5);
    const body = `{"batch":[${json(validBrowserEvent()).slice(0, -1)},"properties":{"deep":${inner}}}]}`;
    return { kind: 'deeply nested property', headers, body, invalid: depth > 8 };
  }
  if (r < 38)
    return {
      kind: 'oversized body',
      headers,
      body: json({ batch: [validBrowserEvent({ properties: { blob: 'x'.repeat(520 * 1024) } })] }),
      invalid: true,
    };
  if (r < 43) {
    const batch = random() < 0.5 ? [] : Array.from({ length: 501 }, () => validBrowserEvent());
    return { kind: 'batch size', headers, body: json({ batch }), invalid: true };
  }
  if (r < 48) {
    // Unknown keys are dropped, so the first is acceptable; the second fails on sentAt.
    if (random() < 0.5)
      return {
        kind: 'prototype pollution',
        headers,
        body: `{"batch":[${json(validBrowserEvent())}],"__proto__":{"polluted":true}}`,
        invalid: false,
      };
    const body = `{"batch":[${json(validBrowserEvent()).slice(0, -1)},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}],"sentAt":"never"}`;
    return { kind: 'prototype pollution', headers, body, invalid: true };
  }
  if (r < 52)
    return {
      kind: 'no or wrong write key',
      headers: {
        'content-type': 'application/json',
        ...(random() < 0.5 ? {} : { 'x-write-key': hostileString(random).replace(/[^\x21-\x7e]/g, '') || 'wrong' }),
      },
      body: json({ batch: [validBrowserEvent()] }),
      invalid: true,
    };
  if (r < 55)
    return {
      kind: 'compressed',
      headers: { ...headers, 'content-encoding': pick(random, ['gzip', 'br', 'deflate']) },
      body: json({ batch: [validBrowserEvent()] }),
      invalid: true,
    };
  if (r < 57)
    return {
      kind: 'method',
      method: pick(random, ['PUT', 'DELETE', 'PATCH']),
      headers,
      body: json({ batch: [validBrowserEvent()] }),
      invalid: true,
    };
  if (r < 60)
    return {
      kind: 'envelope fields',
      headers,
      body: json({ batch: [validBrowserEvent()], sentAt: hostileJsonValue(random) ?? 'x', writeKey: 42 }),
      invalid: true,
    };
  // The common case: batches whose events are each made invalid.
  return {
    kind: 'invalid events',
    headers,
    body: json({ batch: Array.from({ length: 1 + int(random, 5) }, () => invalidBrowserEvent(random)) }),
    invalid: true,
  };
}

class Money {
  constructor(readonly cents: number) {}
}

/** One argument for track() / validateEvent(): anything a careless or hostile caller might pass. */
export function analyticsCase(random: Random): unknown {
  const r = int(random, 16);
  const event = (more: Record<string, unknown>) => ({ name: 'order.placed', ...more });
  switch (r) {
    case 0:
      return hostileJsonValue(random);
    case 1:
      return pick(random, [undefined, null, 42, 'order.placed', Symbol('x'), () => 1, 10n, new Date(NaN), [], new Map()]);
    case 2:
      return event({ name: pick(random, [...SQL_INJECTIONS, hostileString(random), 42, null, '']) });
    case 3: {
      const circular: Record<string, unknown> = { a: 1 };
      circular.self = circular;
      return event({ properties: { circular } });
    }
    case 4:
      return event({ properties: { deep: JSON.parse(nestedJson(20 + int(random, 5000), random() < 0.5)) as unknown } });
    case 5:
      return event({
        properties: { value: pick(random, [NaN, Infinity, -Infinity, 10n, Symbol('s'), () => 0, new Money(5), new Map(), new Date(NaN)]) },
      });
    case 6:
      return event({ properties: Object.fromEntries(Array.from({ length: 101 + int(random, 50) }, (_, i) => [`p${i}`, i])) });
    case 7:
      return event({ properties: { [pick(random, ['bad key', '', 'x'.repeat(129), 'ä', ...SQL_INJECTIONS])]: 1 } });
    case 8:
      return event({
        context: { url: pick(random, ['javascript:alert(1)', 'file:///etc/passwd', hostileString(random), 'x'.repeat(3000)]) },
      });
    case 9:
      return event({ timestamp: pick(random, [new Date(NaN), '2025-01-01', 1_700_000_000_000, {}]) });
    case 10:
      return event({ userId: pick(random, ['', 'x'.repeat(257), 42, {}, []]) });
    case 11:
      return event({ metadata: { retryCount: pick(random, [-1, 1.5, '3', NaN]), version: hostileString(random) } });
    case 12:
      return JSON.parse('{"name":"order.placed","__proto__":{"polluted":true},"properties":{"__proto__":{"polluted":true}}}') as unknown;
    case 13:
      // Names and keys that are also Object.prototype's (valid, and must not find its members).
      return random() < 0.5
        ? event({ context: { extra: pick(random, [{}, [], null, '', { nested: 1 }]) } })
        : event({
            name: pick(random, ['constructor', 'toString', 'hasOwnProperty', 'valueOf']),
            context: { constructor: 'x', toString: 1 },
            properties: { constructor: 1 },
          });
    case 14:
      return event({ name: pick(random, ['tc9.error', 'tc9.performance', 'feature.used', 'experiment.exposure']) });
    default:
      return Object.create(null) as unknown;
  }
}
