import { describe, expect, it } from 'vitest';
import { offeredWriteKey, writeKeyMatcher } from '../../src/ingest/auth.js';
import { clientAddress } from '../../src/ingest/client-address.js';
import { RateLimiter } from '../../src/ingest/rate-limit.js';
import { parseEnvelope, validateEvents } from '../../src/ingest/schema.js';
import { event } from './harness.js';

describe('RateLimiter', () => {
  it('allows the burst, then refills at the configured rate, and tells how long to wait', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ burst: 2, perSecond: 0.5 }, () => now);
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    now += 1000; // half a token back
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('other').allowed).toBe(true);
  });

  it('keeps at most maxClients buckets, forgetting the least recently seen', () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 0.001, maxClients: 2 }, () => 0);
    limiter.take('a');
    limiter.take('b');
    expect(limiter.take('a').allowed).toBe(false); // a is now the most recent
    limiter.take('c'); // evicts b
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
  });
});

describe('clientAddress', () => {
  it('truncates IPv4 to /24 and IPv6 to /48, unwraps IPv4-mapped addresses, drops or keeps per mode', () => {
    expect(clientAddress('203.0.113.77', 'truncate')).toBe('203.0.113.0');
    expect(clientAddress('::ffff:203.0.113.77', 'truncate')).toBe('203.0.113.0');
    expect(clientAddress('2001:db8:abcd:12::1', 'truncate')).toBe('2001:db8:abcd::');
    expect(clientAddress('2001:db8::1', 'truncate')).toBe('2001:db8:0::');
    expect(clientAddress('203.0.113.77', 'drop')).toBeUndefined();
    expect(clientAddress('203.0.113.77', 'keep')).toBe('203.0.113.77');
    expect(clientAddress('not-an-ip', 'truncate')).toBeUndefined();
  });
});

describe('write keys', () => {
  it('reads the header first, then Basic auth, then the body', () => {
    expect(offeredWriteKey({ 'x-write-key': ' k1 ', authorization: `Basic ${Buffer.from('k2:').toString('base64')}` }, 'k3')).toBe('k1');
    expect(offeredWriteKey({ authorization: `Basic ${Buffer.from('k2:secret').toString('base64')}` }, 'k3')).toBe('k2');
    expect(offeredWriteKey({ authorization: 'Bearer k2' }, 'k3')).toBe('k3');
    expect(offeredWriteKey({}, undefined)).toBeUndefined();
  });

  it('matches only configured keys', () => {
    const match = writeKeyMatcher(['pk_a', 'pk_b']);
    expect(match('pk_b')).toBe('pk_b');
    expect(match('pk_')).toBeUndefined();
    expect(match(undefined)).toBeUndefined();
    expect(writeKeyMatcher([])('anything')).toBeUndefined();
  });
});

describe('validation messages', () => {
  it('names missing and mistyped fields plainly', () => {
    const { valid, rejected } = validateEvents([{ ...event(), sessionId: undefined, properties: 'x' }, event()]);
    expect(valid.map((v) => v.index)).toEqual([1]);
    expect(rejected[0]!.errors).toEqual(['batch[0].sessionId: is required', 'batch[0].properties: must be a record']);
  });

  it('quotes property names that are not identifiers', () => {
    const { rejected } = validateEvents([event({ event: 'tc9.performance', properties: { metric: 'x', value: 'slow' } })]);
    expect(rejected[0]!.errors).toEqual(['batch[0].properties.value: tc9.performance events need a finite number value']);
    const bad = validateEvents([event({ properties: { 'has space': 1 } })]);
    expect(bad.rejected[0]!.errors[0]).toMatch(/^batch\[0\]\.properties\["has space"\]: /);
  });

  it('bounds the batch size', () => {
    const result = parseEnvelope({ batch: Array.from({ length: 501 }, () => ({})) });
    expect(result).toEqual({ ok: false, errors: ['batch: must hold at most 500 events'] });
  });
});
