/**
 * Tracker logic (identify, sessions, sampling, queue bound, batching, consent, rejections) against
 * the real ingest endpoint. Runs in Node, where the tracker has no page to watch and sends with
 * fetch; the Chromium tests cover the page side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracker, type TrackerOptions } from '../../src/browser/index.js';
import { ATTR, EVENT } from '../../src/semconv.js';
import { startIngestServer, WRITE_KEY, type IngestServer } from '../ingest/harness.js';

describe('tracker against the ingest endpoint', () => {
  let server: IngestServer;
  beforeAll(async () => {
    server = await startIngestServer('express', { rateLimit: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  const tracker = (options: Partial<TrackerOptions> = {}) =>
    createTracker({ endpoint: `${server.url}/v1/events`, writeKey: WRITE_KEY, consent: true, flushIntervalMs: 600_000, ...options });
  const ofSession = (sessionId: string) => server.records().filter((r) => r.attributes[ATTR.sessionId] === sessionId);

  it('identifies the user on later events and starts a new session after reset()', async () => {
    const t = tracker();
    t.track('app.opened');
    t.identify('user-7', { plan: 'pro', email: 'jane@example.com' });
    t.track('report.viewed');
    const first = t.sessionId;
    await t.flush();
    const records = ofSession(first);
    expect(records.map((r) => r.eventName)).toEqual([EVENT.sessionStart, 'app.opened', 'user.identify', 'report.viewed']);
    expect(records.map((r) => r.attributes[ATTR.userId])).toEqual([undefined, undefined, 'user-7', 'user-7']);
    expect(records[2]!.attributes).toMatchObject({ [`${ATTR.propPrefix}plan`]: 'pro', [`${ATTR.propPrefix}email`]: '[email]' });

    t.reset();
    t.track('app.opened');
    await t.flush();
    expect(t.sessionId).not.toBe(first);
    expect(ofSession(t.sessionId).map((r) => [r.eventName, r.attributes[ATTR.userId]])).toEqual([
      [EVENT.sessionStart, undefined],
      ['app.opened', undefined],
    ]);
    await t.shutdown();
  });

  it('records experiment exposures with the experiment attributes the conversion query reads', async () => {
    const t = tracker();
    t.trackExperimentExposure('new-wizard', 'B');
    await t.flush();
    const exposure = ofSession(t.sessionId).find((r) => r.eventName === EVENT.experimentExposure);
    expect(exposure!.attributes).toMatchObject({ [ATTR.experimentKey]: 'new-wizard', [ATTR.experimentVariant]: 'B' });
    await t.shutdown();
  });

  it('sends a full batch without waiting for the timer', async () => {
    const t = tracker({ batchSize: 3 });
    t.track('a'); // with session.start: 2 queued
    expect(t.stats().queued).toBe(2);
    t.track('b'); // 3: sent at once
    const deadline = Date.now() + 5000;
    // The response reaches the tracker after the endpoint emitted the records: wait for both.
    while ((ofSession(t.sessionId).length < 3 || t.stats().sent < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ofSession(t.sessionId).map((r) => r.eventName)).toEqual([EVENT.sessionStart, 'a', 'b']);
    expect(t.stats()).toMatchObject({ queued: 0, sent: 3 });
    await t.shutdown();
  });

  it('keeps at most maxQueue events, dropping the oldest and counting them', async () => {
    const t = tracker({ maxQueue: 3, batchSize: 100 });
    for (const n of ['e1', 'e2', 'e3', 'e4']) t.track(n); // session.start + 4
    expect(t.stats()).toMatchObject({ queued: 3, dropped: 2 });
    await t.flush();
    expect(ofSession(t.sessionId).map((r) => r.eventName)).toEqual(['e2', 'e3', 'e4']);
    await t.shutdown();
  });

  it('records nothing for sessions sampled out, and nothing without consent', async () => {
    const sampledOut = tracker({ sampleRate: 0 });
    sampledOut.track('x');
    const noConsent = tracker({ consent: false });
    noConsent.track('x');
    expect(sampledOut.stats().queued + noConsent.stats().queued).toBe(0);
    await Promise.all([sampledOut.flush(), noConsent.flush()]);
    expect(ofSession(sampledOut.sessionId)).toEqual([]);
    expect(ofSession(noConsent.sessionId)).toEqual([]);
  });

  it('clears the queue when consent is withdrawn', async () => {
    const t = tracker();
    t.track('before');
    t.setConsent(false);
    expect(t.stats().queued).toBe(0);
    t.track('while withdrawn');
    t.setConsent(true);
    t.track('after');
    await t.flush();
    expect(ofSession(t.sessionId).map((r) => r.eventName)).toEqual(['after']);
  });

  it('does not retry a batch the endpoint refused (unknown write key)', async () => {
    const t = tracker({ writeKey: 'pk_unknown' });
    t.track('x');
    await t.flush();
    expect(t.stats()).toEqual({ queued: 0, sent: 0, rejected: 2, dropped: 0 });
  });

  it('never throws into the app, whatever it passes', () => {
    const t = tracker({ consent: true });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => {
      t.track('ok', cyclic);
      t.track('ok', 'not an object' as unknown as Record<string, unknown>);
      t.trackError(undefined);
      t.trackError({ weird: true });
      t.endTimer('never started');
      t.identify('' as string);
    }).not.toThrow();
    expect(() => createTracker({ endpoint: '', writeKey: '' })).toThrow(/endpoint.*writeKey/);
  });
});
