/**
 * The quick check must never pass an event the zod schema rejects, and what it passes must become the same
 * log record the schema's output would. Checked on variants of realistic events with each field swapped for
 * valid, invalid and odd values (generated, seeded, so a failure names a reproducible event).
 */
import { describe, expect, it } from 'vitest';
import { quickValid } from '../../src/analytics/quick-check.js';
import { toLogRecord } from '../../src/analytics/record.js';
import { analyticsEventSchema } from '../../src/analytics/schema.js';

const BASES: Record<string, unknown>[] = [
  {
    name: 'page.view',
    userId: 'user-1',
    sessionId: 's-1',
    orgId: 'org-1',
    orgType: 'production',
    userType: 'admin',
    context: { path: '/runs/:id', browser: 'Firefox', os: 'Linux', device: 'desktop', locale: 'en-GB' },
  },
  { name: 'feature.used', userId: 'user-2', properties: { feature: 'dry-run', durationMs: 1200 }, context: { path: '/x' } },
  { name: 'experiment.exposure', userId: 'user-3', properties: { experiment: 'onboarding', variant: 'guided' } },
  {
    name: 'user.login',
    userId: 'user-4',
    metadata: { source: 'server', version: '1.4.0', environment: 'production', retryCount: 0 },
    context: { timezone: 'Europe/London', screenResolution: '1920x1080', plan: 'pro', seats: 3, trial: false },
  },
  {
    name: 'migration.created',
    timestamp: new Date('2026-01-02T03:04:05Z'),
    properties: { resource_type: 'migration', resource_id: 'mig-1', nested: { a: [1, 'b', null] } },
  },
];

const ODD: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'x'.repeat(36),
  'x'.repeat(129),
  'x'.repeat(257),
  'x'.repeat(1025),
  'x'.repeat(2049),
  '/path',
  'no-slash',
  'http://example.com/a?b=1',
  'ftp://example.com',
  0,
  -1,
  1.5,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  new Date('2026-01-01'),
  new Date('nope'),
  {},
  [],
  [1],
  { a: 1 },
  { 'bad key': 1 },
  { ok: 1n },
  { ok: () => 1 },
  { ok: new Map() },
  { feature: '' },
  { feature: 'f', experiment: 'e', variant: 'v' },
  'tc9.error',
  'tc9.performance',
  '1bad',
  'mobile',
  'tablet',
  'tv',
  '1.2.3',
  '1.2',
  'staging',
  'prod',
  'client',
  'browser',
  '800x600',
  '800 x 600',
  Object.create(null),
  new (class Thing {})(),
];

const FIELDS: Array<[path: string[], keys?: string[]]> = [
  [[], ['name', 'userId', 'sessionId', 'timestamp', 'properties', 'context', 'metadata', 'orgId', 'orgType', 'userType', 'extra']],
  [
    ['context'],
    [
      'url',
      'path',
      'referrer',
      'userAgent',
      'browser',
      'os',
      'device',
      'screenResolution',
      'timezone',
      'locale',
      'title',
      'custom',
      '__proto__',
    ],
  ],
  [['metadata'], ['version', 'environment', 'buildId', 'deploymentId', 'source', 'retryCount', 'transmissionId', 'other']],
  [['properties'], ['feature', 'experiment', 'variant', 'durationMs', 'bad key', 'ok.key']],
];

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clone(v: unknown): unknown {
  if (v instanceof Date || v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
  if (Array.isArray(v)) return v.map(clone);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
}

/** A base event with 1-3 fields set to odd values (or deleted). */
function variants(count: number): Record<string, unknown>[] {
  const random = mulberry32(7);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)]!;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const event = clone(pick(BASES)) as Record<string, unknown>;
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
      const [path, keys] = pick(FIELDS);
      let target = event;
      for (const p of path) {
        if (typeof target[p] !== 'object' || target[p] === null || Object.getPrototypeOf(target[p]) !== Object.prototype) target[p] = {};
        target = target[p] as Record<string, unknown>;
      }
      const key = pick(keys!);
      if (random() < 0.1) delete target[key];
      else if (key === '__proto__')
        Object.defineProperty(target, key, { value: pick(ODD), enumerable: true, configurable: true, writable: true });
      else target[key] = pick(ODD);
    }
    out.push(event);
  }
  return out;
}

function attributesOf(event: unknown): unknown {
  return toLogRecord(event as never, 'id-1').attributes;
}

describe('quickValid', () => {
  it('passes the common event shapes without the schema', () => {
    for (const event of BASES) expect(quickValid(event), JSON.stringify(event)).toBe(true);
  });

  it('never passes an event the schema rejects, and what it passes becomes the record the schema output would', () => {
    let passed = 0;
    let rejected = 0;
    for (const event of variants(20_000)) {
      const schema = analyticsEventSchema.safeParse(event);
      if (!schema.success) rejected++;
      if (!quickValid(event)) continue;
      passed++;
      expect(schema.success, `quickValid passed an invalid event: ${String(schema.error)}`).toBe(true);
      if (schema.success) expect(attributesOf(event)).toEqual(attributesOf(schema.data));
    }
    // Both sides exercised: the generator makes plenty of valid and invalid events.
    expect(passed).toBeGreaterThan(1_000);
    expect(rejected).toBeGreaterThan(1_000);
  });

  it('leaves a non-enumerable or inherited field to the schema', () => {
    const hidden = { name: 'page.view', context: { path: '/a' } };
    Object.defineProperty(hidden.context, 'browser', { value: 'Firefox', enumerable: false });
    expect(quickValid(hidden)).toBe(false);
    const nonEnumerableName = {};
    Object.defineProperty(nonEnumerableName, 'name', { value: 42, enumerable: false });
    expect(quickValid(nonEnumerableName)).toBe(false);
    expect(quickValid(Object.assign(Object.create({ name: 'page.view' }) as object, {}))).toBe(false);
  });
});
