import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EVENT as BROWSER_EVENT } from '../../src/browser/names.js';
import { unitHash, uuid } from '../../src/browser/ids.js';
import { toProperties } from '../../src/browser/properties.js';
import { baggageHeader, matchesTarget } from '../../src/browser/propagation.js';
import { BoundedQueue } from '../../src/browser/queue.js';
import { SessionManager } from '../../src/browser/session.js';
import { memoryStore } from '../../src/browser/storage.js';
import { backoffMs, chunkBySize, retryAfterMs } from '../../src/browser/transport.js';
import type { TrackedEvent } from '../../src/browser/event.js';
import { EVENT } from '../../src/semconv.js';

describe('browser tracker parts', () => {
  it('uses the server contract’s event names', () => {
    for (const [key, name] of Object.entries(BROWSER_EVENT)) expect(EVENT[key as keyof typeof EVENT]).toBe(name);
  });

  it('matches propagateTo targets: exact origins, URL prefixes, regexes on the URL or a same-origin path', () => {
    const page = new URL('https://app.example.com/dashboard');
    const m = (url: string, targets: (string | RegExp)[]) => matchesTarget(new URL(url, page), targets, page);
    expect(m('https://app.example.com/api/x', [page.origin])).toBe(true);
    expect(m('https://cdn.example.net/lib.js', [page.origin])).toBe(false);
    expect(m('https://api.example.com/v1/x', ['https://api.example.com'])).toBe(true);
    expect(m('https://api.example.com.evil.net/v1/x', ['https://api.example.com'])).toBe(false);
    expect(m('https://api.example.com:8443/x', ['https://api.example.com'])).toBe(false);
    expect(m('https://api.example.com/v2/x', ['https://api.example.com/v2/'])).toBe(true);
    expect(m('https://api.example.com/v1/x', ['https://api.example.com/v2/'])).toBe(false);
    expect(m('/api/x', ['/api/'])).toBe(true);
    expect(m('https://other.example.com/api/x', ['/api/'])).toBe(false);
    expect(m('/api/x', [/^\/api\//])).toBe(true);
    expect(m('https://other.example.com/api/x', [/^\/api\//])).toBe(false);
    expect(m('https://other.example.com/api/x', [/^https:\/\/other\.example\.com\//])).toBe(true);
    expect(m('/api/x', [])).toBe(false);
  });

  it('writes W3C baggage with percent-encoded values', () => {
    expect(baggageHeader({ 'session.id': 'a b,c', 'user.id': 'u=1' })).toBe('session.id=a%20b%2Cc,user.id=u%3D1');
  });

  it('compiles with browser globals only: no Node APIs in the browser entry', async () => {
    await expect(
      promisify(execFile)('npx', ['tsc', '-p', 'tests/browser/tsconfig.browser.json'], { cwd: process.cwd() }),
    ).resolves.toBeDefined();
  }, 60_000);

  it('drops the oldest events when the queue is full, counting them, also when a failed batch comes back', () => {
    const q = new BoundedQueue<number>(3);
    for (const n of [1, 2, 3, 4]) q.push(n);
    expect(q.dropped).toBe(1);
    const batch = q.take(2); // 2, 3
    q.push(5);
    q.push(6);
    q.requeue(batch); // 2 3 4 5 6 -> keeps 4 5 6
    expect(q.take(10)).toEqual([4, 5, 6]);
    expect(q.dropped).toBe(3);
  });

  it('keeps a session while active and starts a new one after 30 minutes of inactivity', () => {
    let now = 0;
    const store = memoryStore();
    const sessions = new SessionManager(store, 30 * 60_000, () => now);
    const first = sessions.touch();
    expect(first.started).toBe(true);
    now += 29 * 60_000;
    expect(sessions.touch()).toEqual({ id: first.id, started: false });
    now += 29 * 60_000; // active 29 min ago: still the same session
    expect(sessions.touch().id).toBe(first.id);
    now += 31 * 60_000;
    const second = sessions.touch();
    expect(second.started).toBe(true);
    expect(second.id).not.toBe(first.id);
    // Another tab (same storage) sees the same session.
    expect(new SessionManager(store, 30 * 60_000, () => now).touch()).toEqual({ id: second.id, started: false });
  });

  it('announces a session started by peek() (the id for headers) at its first recorded event', () => {
    let now = 0;
    const sessions = new SessionManager(memoryStore(), 30 * 60_000, () => now);
    const id = sessions.peek();
    expect(sessions.peek()).toBe(id);
    now += 1000;
    expect(sessions.touch()).toEqual({ id, started: true });
    expect(sessions.touch()).toEqual({ id, started: false });
  });

  it('splits batches under the request size browsers allow and sets aside events too large for any', () => {
    const e = (size: number): TrackedEvent => ({
      id: uuid(),
      event: 'x',
      sessionId: 's',
      timestamp: '',
      properties: { pad: 'x'.repeat(size) },
    });
    const { chunks, oversized } = chunkBySize([e(300), e(300), e(300), e(5000), e(300)], 1000); // ~412 bytes each
    expect(chunks.map((c) => c.length)).toEqual([2, 2]);
    expect(oversized).toHaveLength(1);
    for (const c of chunks) expect(new TextEncoder().encode(JSON.stringify(c)).length).toBeLessThanOrEqual(1000);
  });

  it('backs off exponentially with jitter up to a ceiling, and reads Retry-After', () => {
    expect(backoffMs(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 0.5)).toBe(6000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('makes properties JSON-safe key by key', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const warnings: string[] = [];
    const props = toProperties({ a: 1, when: new Date(0), err: new TypeError('bad'), fn: () => 1, skip: undefined, cyclic }, (m) =>
      warnings.push(m),
    );
    expect(props).toEqual({
      a: 1,
      when: '1970-01-01T00:00:00.000Z',
      err: { name: 'TypeError', message: 'bad' },
      cyclic: '[object Object]',
    });
    expect(warnings).toEqual(['property "cyclic" is not JSON-serialisable; it was sent as a string']);
    expect(toProperties('nope', (m) => warnings.push(m))).toBeUndefined();
  });

  it('samples sessions by a stable hash of their id', () => {
    const ids = Array.from({ length: 2000 }, () => uuid());
    const hashes = ids.map((id) => unitHash(id));
    expect(ids.map((id) => unitHash(id))).toEqual(hashes); // the same id, the same hash
    const share = ids.filter((id) => unitHash(id) < 0.25).length / ids.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
  });
});
