import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, assignVariant, exposeVariant } from '../../src/analytics/index.js';
import { ATTR, EVENT } from '../../src/semconv.js';
import { installInMemoryOtel, type InMemoryOtel } from '../helpers/in-memory-otel.js';

let otel: InMemoryOtel;
beforeAll(() => {
  otel = installInMemoryOtel();
});
afterAll(() => otel.uninstall());

describe('assignVariant', () => {
  it('is deterministic per experiment and user', () => {
    const variants = ['control', 'treatment'] as const;
    for (let i = 0; i < 50; i++) {
      expect(assignVariant('new-wizard', `user-${i}`, variants)).toBe(assignVariant('new-wizard', `user-${i}`, variants));
    }
  });

  it('spreads users by the weights', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) counts[assignVariant('exp', `user-${i}`, ['a', 'b', 'c'], [0.5, 0.3, 0.2])]! += 1;
    expect(counts.a! / 20_000).toBeGreaterThan(0.47);
    expect(counts.a! / 20_000).toBeLessThan(0.53);
    expect(counts.b! / 20_000).toBeGreaterThan(0.27);
    expect(counts.b! / 20_000).toBeLessThan(0.33);
    expect(counts.c! / 20_000).toBeGreaterThan(0.17);
    expect(counts.c! / 20_000).toBeLessThan(0.23);
  });

  it('assigns independently per experiment and never to a zero weight', () => {
    const differ = Array.from(
      { length: 200 },
      (_, i) => assignVariant('e1', `u${i}`, ['x', 'y']) !== assignVariant('e2', `u${i}`, ['x', 'y']),
    );
    expect(differ.some(Boolean)).toBe(true);
    for (let i = 0; i < 500; i++) expect(assignVariant('e', `u${i}`, ['off', 'on'], [0, 1])).toBe('on');
  });

  it('rejects bad arguments by name', () => {
    expect(() => assignVariant('e', 'u', [])).toThrow('variants: must be a non-empty array');
    expect(() => assignVariant('e', 'u', ['a', 'b'], [1])).toThrow('weights: must have one weight per variant');
    expect(() => assignVariant('', 'u', ['a'])).toThrow(ValidationError);
  });
});

describe('exposeVariant', () => {
  it('returns the assigned variant and records the exposure event', () => {
    const variant = exposeVariant('pricing-page', 'user-7', ['old', 'new'], { event: { sessionId: 's-7' } });
    expect(variant).toBe(assignVariant('pricing-page', 'user-7', ['old', 'new']));
    const record = otel.logs().find((r) => r.eventName === EVENT.experimentExposure)!;
    expect(record.attributes[ATTR.experimentKey]).toBe('pricing-page');
    expect(record.attributes[ATTR.experimentVariant]).toBe(variant);
    expect(record.attributes[ATTR.userId]).toBe('user-7');
    expect(record.attributes[ATTR.sessionId]).toBe('s-7');
  });
});
