import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  isCardNumber,
  redactAttributes,
  redactValue,
  scrubText,
  truncateIp,
  applyIpMode,
} from '../../src/privacy/index.js';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('scrubText', () => {
  it.each([
    ['contact alice.smith@example.co.uk now', 'contact [email] now'],
    [`Authorization: Bearer ${JWT}`, 'Authorization: Bearer [redacted]'],
    [`found ${JWT} in a log`, 'found [jwt] in a log'],
    [
      'https://api.example.com/cb?code=abc123&state=xyz&token=s3cr3t',
      'https://api.example.com/cb?code=[redacted]&state=xyz&token=[redacted]',
    ],
    ['/login?user=bob&password=hunter2#frag', '/login?user=bob&password=[redacted]#frag'],
    ['access_token=abc&x-api-key=def&sig=0a1b', 'access_token=[redacted]&x-api-key=[redacted]&sig=[redacted]'],
    ['postgres://app:Pa55word@db.internal:5432/app', 'postgres://app:[redacted]@db.internal:5432/app'],
    ["UPDATE users SET password = 'hunter2' WHERE id = 4", "UPDATE users SET password = '[redacted]' WHERE id = 4"],
    ['{"client_secret":"abc","name":"x"}', '{"client_secret":"[redacted]","name":"x"}'],
    ['paid with 4111 1111 1111 1111 today', 'paid with [card] today'],
    ['card 5500-0000-0000-0004', 'card [card]'],
    ['amex 378282246310005', 'amex [card]'],
    ['retrying with token: abc123def', 'retrying with token: [redacted]'],
    ['csrf_token="q1w2e3"', 'csrf_token="[redacted]"'],
  ])('%s', (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it('leaves ordinary text, ids, timestamps and non-card digit runs alone', () => {
    for (const text of [
      'order 1234567890123 shipped',
      'at 1732212345678 ms',
      '4111 1111 1111 1112',
      'country_code=GB&zipcode=12345',
      'monkey=banana',
      'migration 3f2b8c1e-9d4a-4f6b-8a7e-1c2d3e4f5a6b',
      'GET /api/migrations/:id',
      // The strict rule (Sentry only) would take these: on spans and events they stay.
      'author: Ann Lee',
      'tokens: 512',
      'session_length=300',
    ]) {
      expect(scrubText(text)).toBe(text);
    }
    expect(isCardNumber('4111111111111111')).toBe(true);
    expect(isCardNumber('1234567812345678')).toBe(false);
  });
});

describe('redactValue / redactAttributes', () => {
  it('redacts secret-named keys whole and scrubs other strings, deeply, without touching the input', () => {
    const input = {
      user: {
        email: 'bob@example.com',
        name: 'Bob',
        password: 'x',
        apiKey: 'k',
        nested: [{ Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }],
      },
      count: 3,
      note: 'call me at carol@example.org',
    };
    const copy = structuredClone(input);
    expect(redactValue(input)).toEqual({
      user: { email: '[email]', name: 'Bob', password: '[redacted]', apiKey: '[redacted]', nested: [{ Authorization: '[redacted]' }] },
      count: 3,
      note: 'call me at [email]',
    });
    expect(input).toEqual(copy);
  });

  it('applies to attribute maps, arrays of strings included', () => {
    expect(
      redactAttributes({
        'http.request.header.authorization': ['Bearer abcdefgh'],
        'http.request.header.cookie': 'sid=1',
        'url.full': 'https://x.example/a?token=t0k&page=2',
        'tc9.prop.emails': ['a@b.io', 'c@d.io'],
        'http.response.status_code': 200,
      }),
    ).toEqual({
      'http.request.header.authorization': '[redacted]',
      'http.request.header.cookie': '[redacted]',
      'url.full': 'https://x.example/a?token=[redacted]&page=2',
      'tc9.prop.emails': ['[email]', '[email]'],
      'http.response.status_code': 200,
    });
  });

  it('honours allow and deny lists, and can be switched off', () => {
    const r = createRedactor({ allowKeys: ['tc9.prop.token_count', 'contact'], denyKeys: ['ssn_last4', 'tc9.prop.plan'] });
    expect(
      r.attributes({ 'tc9.prop.token_count': '12', 'tc9.prop.contact': 'a@b.io', 'tc9.prop.ssn_last4': '1234', 'tc9.prop.plan': 'gold' }),
    ).toEqual({
      'tc9.prop.token_count': '12',
      'tc9.prop.contact': 'a@b.io',
      'tc9.prop.ssn_last4': '[redacted]',
      'tc9.prop.plan': '[redacted]',
    });
    expect(createRedactor({ redact: false }).value({ password: 'x', note: 'a@b.io' })).toEqual({ password: 'x', note: 'a@b.io' });
  });

  it('in strict mode also takes keys and key=value text that merely start like a secret', () => {
    const strict = createRedactor({ strict: true, allowKeys: ['session_id'] });
    expect(strict.value({ author: 'Ann', passcode: '1234', session_id: 's-1', note: 'author: Ann, auth_code=77' })).toEqual({
      author: '[redacted]',
      passcode: '[redacted]',
      session_id: 's-1',
      note: 'author: [redacted], auth_code=[redacted]',
    });
    expect(createRedactor().value({ author: 'Ann', note: 'author: Ann' })).toEqual({ author: 'Ann', note: 'author: Ann' });
  });

  it('replaces what lies deeper than it checks instead of letting it through', () => {
    let deep: Record<string, unknown> = { email: 'a@b.io' };
    for (let i = 0; i < 12; i++) deep = { next: deep };
    expect(JSON.stringify(redactValue(deep))).not.toContain('a@b.io');
    expect(JSON.stringify(redactValue(deep))).toContain('[redacted]');
  });
});

describe('IP addresses', () => {
  it('truncates IPv4 to /24 and IPv6 to /48', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8:0::');
    expect(truncateIp('::ffff:198.51.100.9')).toBe('::ffff:198.51.100.0');
    expect(truncateIp('fe80::1%eth0')).toBe('fe80:0:0::');
    expect(truncateIp('example.com')).toBeUndefined();
  });

  it('applies the mode to lists and drops what is not an address', () => {
    expect(applyIpMode('203.0.113.77, 10.1.2.3', 'truncate')).toBe('203.0.113.0, 10.1.2.0');
    expect(applyIpMode('203.0.113.77', 'drop')).toBeUndefined();
    expect(applyIpMode('203.0.113.77', 'keep')).toBe('203.0.113.77');
    expect(applyIpMode('unknown', 'truncate')).toBeUndefined();
  });
});
