/** Per-user consent, user-id pseudonymisation and IP modes with real SDK providers (in memory). */
import { logs, trace } from '@opentelemetry/api';
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { track } from '../../src/analytics/index.js';
import { loadConfig, type Env } from '../../src/config.js';
import { ConsentRegistry } from '../../src/privacy/index.js';
import { createPrivacyProcessors } from '../../src/sdk/processors/privacy.js';
import { ATTR, SCOPE_NAME } from '../../src/semconv.js';
import { installInMemoryOtel, type InMemoryOtel } from '../helpers/in-memory-otel.js';

let otel: InMemoryOtel | undefined;
afterEach(async () => {
  await otel?.uninstall();
  otel = undefined;
});

/** The privacy processors of this environment, wrapping (default) or chained before the exporter. */
function setup(env: Env, placement: 'wrap' | 'chain' = 'wrap') {
  const privacy = createPrivacyProcessors(loadConfig(env).privacy);
  otel = installInMemoryOtel({
    spanProcessors: [privacy.spanProcessor],
    ...(placement === 'wrap'
      ? { wrapLogRecordProcessor: privacy.wrapLogRecordProcessor }
      : { logRecordProcessors: [privacy.logRecordProcessor] }),
  });
  return { privacy, otel };
}

const event = (userId: string) => ({
  name: 'report.viewed',
  userId,
  sessionId: `session-of-${userId}`,
  context: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' },
});

describe('consent, drop mode (the default)', () => {
  it('exports events of users who consented and not those of users who did not or never said', () => {
    const { privacy, otel } = setup({});
    privacy.consent.set('yes', true);
    privacy.consent.set('no', false);
    track(event('yes'));
    track(event('no'));
    track(event('never-asked'));
    track({ name: 'report.viewed', sessionId: 'anonymous' });
    const exported = otel.logs();
    expect(exported.map((r) => r.attributes[ATTR.userId] ?? 'anonymous')).toEqual(['yes', 'anonymous']);
    expect(exported[0]!.attributes[ATTR.consent]).toBe('granted');
  });

  it('withdrawing consent stops the export from then on', () => {
    const { privacy, otel } = setup({});
    privacy.consent.set('u', true);
    track(event('u'));
    privacy.consent.setConsent('u', false);
    track(event('u'));
    expect(otel.logs()).toHaveLength(1);
  });

  it('only analytics events are subject to it: errors and browser-sent events (consented in the tracker) pass', () => {
    const { otel } = setup({});
    track({ ...event('no-consent'), metadata: { source: 'client' } });
    logs.getLogger(SCOPE_NAME).emit({ eventName: 'tc9.error', attributes: { [ATTR.eventKind]: 'error', [ATTR.userId]: 'no-consent' } });
    expect(otel.logs().map((r) => r.eventName)).toEqual(['report.viewed', 'tc9.error']);
  });

  // The demo's decliners had their browser events stored as consent=granted and counted as active users.
  it('a "no" the server knows of wins over the browser: browser-sent events of a user who declined are dropped', () => {
    const { privacy, otel } = setup({});
    privacy.consent.set('said-no', false);
    track({ ...event('said-no'), metadata: { source: 'client' } });
    track({ ...event('asked-in-browser'), metadata: { source: 'client' } });
    expect(otel.logs().map((r) => r.attributes[ATTR.userId])).toEqual(['asked-in-browser']);
  });

  it('in a chain (no wrapping) the record is emptied of everything personal', () => {
    const { otel } = setup({}, 'chain');
    track(event('no-consent'));
    const [record] = otel.logs();
    expect(record!.eventName).toBeUndefined();
    expect(record!.body).toBeUndefined();
    expect(record!.attributes).toEqual({ [ATTR.consent]: 'dropped' });
  });

  it('TC9_CONSENT_DEFAULT=granted keeps users never asked, not those who said no', () => {
    const { privacy, otel } = setup({ TC9_CONSENT_DEFAULT: 'granted' });
    privacy.consent.set('no', false);
    track(event('never-asked'));
    track(event('no'));
    expect(otel.logs().map((r) => r.attributes[ATTR.userId])).toEqual(['never-asked']);
  });
});

describe('consent, pseudonymize mode', () => {
  it('exports events without consent with user and session pseudonymised and identifying attributes removed', () => {
    const { otel } = setup({ TC9_CONSENT_MODE: 'pseudonymize', TC9_PSEUDONYMIZE_KEY: 'k1' });
    track(event('user-9'));
    track(event('user-9'));
    const [a, b] = otel.logs().map((r) => r.attributes);
    const hmac = (v: string) => createHmac('sha256', 'k1').update(v).digest('hex').slice(0, 32);
    expect(a![ATTR.userId]).toBe(hmac('user-9'));
    expect(a![ATTR.sessionId]).toBe(hmac('session-of-user-9'));
    expect(a![ATTR.userAgent]).toBeUndefined();
    expect(a![ATTR.consent]).toBe('pseudonymized');
    expect(b![ATTR.userId]).toBe(a![ATTR.userId]);
  });

  it('without a configured key, pseudonyms are still stable within the process and hide the id', () => {
    const { otel } = setup({ TC9_CONSENT_MODE: 'pseudonymize' });
    track(event('user-9'));
    track(event('user-9'));
    const [a, b] = otel.logs().map((r) => r.attributes[ATTR.userId]);
    expect(a).not.toBe('user-9');
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toBe(a);
  });
});

describe('pseudonymisation and IP addresses on spans', () => {
  it('replaces user ids by their HMAC when a key is configured, and truncates client addresses', () => {
    const { otel } = setup({ TC9_PSEUDONYMIZE_KEY: 'pepper' });
    trace
      .getTracer('t')
      .startSpan('s', { attributes: { 'user.id': 'u-1', 'client.address': '2001:db8:85a3:8d3::7348', 'network.peer.address': '10.2.3.4' } })
      .end();
    const [span] = otel.spans();
    expect(span!.attributes['user.id']).toBe(createHmac('sha256', 'pepper').update('u-1').digest('hex').slice(0, 32));
    expect(span!.attributes['client.address']).toBe('2001:db8:85a3::');
    expect(span!.attributes['network.peer.address']).toBe('10.2.3.0');
  });

  it('TC9_IP_MODE=drop removes them, keep leaves them; ids stay without a key', () => {
    const { otel } = setup({ TC9_IP_MODE: 'drop' });
    trace
      .getTracer('t')
      .startSpan('s', { attributes: { 'user.id': 'u-1', 'client.address': '203.0.113.9' } })
      .end();
    expect(otel.spans()[0]!.attributes).toEqual({ 'user.id': 'u-1' });
  });

  it('keep', async () => {
    const { otel } = setup({ TC9_IP_MODE: 'keep' });
    trace
      .getTracer('t')
      .startSpan('s', { attributes: { 'client.address': '203.0.113.9' } })
      .end();
    expect(otel.spans()[0]!.attributes['client.address']).toBe('203.0.113.9');
  });
});

describe('ConsentRegistry', () => {
  it('is bounded, and a forgotten user counts as not consented', () => {
    const registry = new ConsentRegistry({ maxUsers: 3 });
    for (const u of ['a', 'b', 'c', 'd']) registry.set(u, true);
    expect(registry.size).toBe(3);
    expect(registry.state('a')).toBe('unknown');
    expect(registry.granted('a')).toBe(false);
    expect(registry.granted('d')).toBe(true);
    expect(() => registry.set('', true)).toThrow(/userId/);
  });
});
