import type { Event } from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { createSentryScrubber, scrubEvent } from '../../src/privacy/sentry-event.js';

const sampleEvent = (): Event => ({
  message: 'login failed for bob@example.org with token=abc123',
  exception: {
    values: [
      {
        type: 'Error',
        value: 'payment of 4111 1111 1111 1111 declined; Basic Ym9iOnB3ZDEy sent',
        stacktrace: {
          frames: [{ filename: 'pay.js', context_line: "charge({ card: '5500-0000-0000-0004' })", vars: { card: '4111111111111111' } }],
        },
      },
    ],
  },
  request: {
    url: 'https://app.example/cb?code=1&api_key=SECRET',
    cookies: { sid: 'xyz' },
    headers: { authorization: 'Basic Ym9iOnB3', cookie: 'sid=xyz', 'user-agent': 'curl', 'x-customer-ref': 'C-881' },
    data: { email: 'bob@example.org', password: 'pw', nested: { apiKey: 'k' }, author: 'Ann' },
  },
  user: { id: 'u-1', email: 'bob@example.org', ip_address: '1.2.3.4' },
  breadcrumbs: [{ message: 'GET https://user:pw@db.example/x', data: { token: 't' } }],
  extra: { note: 'call me at bob@example.org', customer_ref: 'C-881', session_started: 'yesterday' },
  tags: { plan: 'gold' },
});

describe('Sentry event scrubbing', () => {
  it('removes cookies, credentials, identity, card numbers and addresses or tokens in text', () => {
    const out = scrubEvent(sampleEvent());
    expect(out.message).toBe('login failed for [email] with token=[redacted]');
    expect(out.exception!.values![0]!.value).toBe('payment of [card] declined; Basic [redacted] sent');
    expect(out.exception!.values![0]!.stacktrace!.frames![0]).toEqual({ filename: 'pay.js', context_line: "charge({ card: '[card]' })" });
    expect(out.request!.cookies).toBeUndefined();
    expect(out.request!.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'user-agent': 'curl',
      'x-customer-ref': 'C-881',
    });
    expect(out.request!.url).toBe('https://app.example/cb?code=[redacted]&api_key=[redacted]');
    // Strict keys: "author" goes too, as the rule says (broad on purpose for error events).
    expect(out.request!.data).toEqual({ email: '[email]', password: '[redacted]', nested: { apiKey: '[redacted]' }, author: '[redacted]' });
    expect(out.user).toEqual({ id: 'u-1' });
    expect(out.breadcrumbs![0]).toMatchObject({ message: 'GET https://user:[redacted]@db.example/x', data: { token: '[redacted]' } });
    expect(out.extra).toEqual({ note: 'call me at [email]', customer_ref: 'C-881', session_started: '[redacted]' });
    expect(JSON.stringify(out)).not.toMatch(/bob@example|SECRET|Ym9iOnB3|xyz|4111|5500/);
  });

  it('applies the configured deny and allow keys, as spans and events do', () => {
    const scrub = createSentryScrubber({ denyKeys: ['customer_ref', 'x-customer-ref', 'plan'], allowKeys: ['author'] });
    const out = scrub(sampleEvent());
    expect(out.extra).toMatchObject({ customer_ref: '[redacted]' });
    expect(out.tags).toEqual({ plan: '[redacted]' });
    expect(out.request!.headers!['x-customer-ref']).toBe('[redacted]');
    expect(out.request!.data).toMatchObject({ author: 'Ann', password: '[redacted]' });
  });

  it('with redaction switched off keeps values but still drops cookies, identity and local variables', () => {
    const out = createSentryScrubber({ redact: false })(sampleEvent());
    expect(out.message).toBe('login failed for bob@example.org with token=abc123');
    expect(out.request!.data).toMatchObject({ password: 'pw' });
    expect(out.request!.cookies).toBeUndefined();
    expect(out.user).toEqual({ id: 'u-1' });
    expect(out.exception!.values![0]!.stacktrace!.frames![0]!.vars).toBeUndefined();
  });

  it('leaves ordinary text alone', () => {
    const out = scrubEvent({ message: 'run 42 failed in phase transform after 3 retries', extra: { phase: 'transform', records: 1200 } });
    expect(out).toEqual({ message: 'run 42 failed in phase transform after 3 retries', extra: { phase: 'transform', records: 1200 } });
  });
});
