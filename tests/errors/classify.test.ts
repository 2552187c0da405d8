import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../../src/analytics/index.js';
import {
  classifyCategory,
  classifySeverity,
  fingerprint,
  markExternalServiceError,
  normalizeMessage,
  type ErrorCategory,
} from '../../src/errors/index.js';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function zodError(): unknown {
  const r = z.object({ email: z.email() }).safeParse({ email: 'nope' });
  return r.success ? undefined : r.error;
}

describe('category', () => {
  const cases: [string, unknown, ErrorCategory][] = [
    ['ECONNREFUSED code', withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }), 'network'],
    ['ETIMEDOUT code', withProps('read ETIMEDOUT', { code: 'ETIMEDOUT' }), 'network'],
    [
      'fetch failed with cause',
      new TypeError('fetch failed', { cause: withProps('getaddrinfo ENOTFOUND api.example', { code: 'ENOTFOUND' }) }),
      'network',
    ],
    ['undici timeout', withProps('Connect Timeout Error', { code: 'UND_ERR_CONNECT_TIMEOUT' }), 'network'],
    ['status 401', new HttpError(401, 'request failed'), 'authentication'],
    ['status 403', new HttpError(403, 'request failed'), 'authorization'],
    ['status 429', new HttpError(429, 'request failed'), 'rate_limit'],
    [
      'response.status 429 (axios-like)',
      withProps('Request failed with status code 429', { name: 'AxiosError', response: { status: 429 } }),
      'rate_limit',
    ],
    ['status 404', new HttpError(404, 'no such migration'), 'client'],
    ['status 422', new HttpError(422, 'unprocessable'), 'validation'],
    ['status 500', new HttpError(500, 'oops'), 'server'],
    ['ZodError', zodError(), 'validation'],
    ['our ValidationError', new ValidationError([{ path: 'event.name', message: 'must be x' }]), 'validation'],
    ['UnauthorizedError by name', withProps('jwt malformed', { name: 'UnauthorizedError' }), 'authentication'],
    ['ForbiddenError by name', withProps('nope', { name: 'ForbiddenError' }), 'authorization'],
    ['message: rate limit', new Error('Salesforce API rate limit exceeded'), 'rate_limit'],
    ['message: permission denied', new Error('permission denied for table accounts'), 'authorization'],
    [
      'marked by an API call wrapper',
      markExternalServiceError(new Error('INVALID_FIELD: No such column'), { system: 'salesforce', operation: 'query' }),
      'external_service',
    ],
    [
      'network failure inside an API call wrapper',
      markExternalServiceError(withProps('socket hang up', { code: 'ECONNRESET' }), { system: 'salesforce', operation: 'query' }),
      'external_service',
    ],
    [
      '429 inside an API call wrapper stays rate_limit',
      markExternalServiceError(new HttpError(429, 'slow down'), { system: 'salesforce', operation: 'query' }),
      'rate_limit',
    ],
    ['plain error', new Error('undefined is not a function'), 'server'],
    ['a thrown string', 'something broke', 'server'],
  ];
  it.each(cases)('%s', (_name, error, expected) => {
    expect(classifyCategory(error)).toBe(expected);
  });

  it('client source and explicit hints', () => {
    expect(classifyCategory(new Error('x is undefined'), { source: 'client' })).toBe('client');
    expect(classifyCategory(new Error('whatever'), { statusCode: 401 })).toBe('authentication');
    expect(classifyCategory(new Error('whatever'), { category: 'external_service' })).toBe('external_service');
  });
});

describe('severity', () => {
  it('follows the category, with critical for process-threatening errors', () => {
    expect(classifySeverity(new Error('x'), 'server')).toBe('error');
    expect(classifySeverity(new Error('x'), 'validation')).toBe('warning');
    expect(classifySeverity(new Error('x'), 'rate_limit')).toBe('warning');
    expect(classifySeverity(withProps('no space', { code: 'ENOSPC' }), 'server')).toBe('critical');
    expect(classifySeverity(new RangeError('Maximum call stack size exceeded'), 'server')).toBe('critical');
    expect(classifySeverity(new Error('x'), 'server', { handled: false })).toBe('critical');
    expect(classifySeverity(new Error('x'), 'server', { severity: 'info' })).toBe('info');
  });
});

describe('fingerprint', () => {
  function failToLoad(id: string, email: string, n: number): Error {
    return new Error(`Record ${id} of user ${email} failed after ${n} retries (order "A-${n}", trace 0x${(n * 7919).toString(16)})`);
  }

  it('two errors that differ only in ids, numbers, e-mails and quoted values share a fingerprint', () => {
    const a = failToLoad('001xx000003DGb2AAG', 'alice@example.com', 3);
    const b = failToLoad('001xx000003DGb9ZZZ', 'bob@example.org', 17);
    expect(fingerprint(a.name, a.message, a.stack)).toBe(fingerprint(b.name, b.message, b.stack));
    const u1 = new Error('migration 3f2b8c1e-9d4a-4f6b-8a7e-1c2d3e4f5a6b not found at https://x.example/api/7');
    const u2 = new Error('migration 0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d not found at https://x.example/api/9');
    expect(normalizeMessage(u1.message)).toBe('migration <uuid> not found at <url>');
    expect(fingerprint('Error', u1.message, undefined)).toBe(fingerprint('Error', u2.message, undefined));
  });

  it('different errors, or the same message from another place, do not share a fingerprint', () => {
    const a = failToLoad('001xx000003DGb2AAG', 'alice@example.com', 3);
    const other = new Error('Connection pool exhausted');
    expect(fingerprint(a.name, a.message, a.stack)).not.toBe(fingerprint(other.name, other.message, other.stack));
    const elsewhere = new Error(a.message);
    expect(fingerprint(a.name, a.message, a.stack)).not.toBe(fingerprint(elsewhere.name, elsewhere.message, elsewhere.stack));
    expect(fingerprint('TypeError', 'x', undefined)).not.toBe(fingerprint('RangeError', 'x', undefined));
  });

  it('ignores line numbers and directories', () => {
    const stack1 = 'Error: x\n    at load (/srv/app-v1/dist/jobs/load.js:10:5)\n    at node:internal/process:1:1';
    const stack2 = 'Error: x\n    at load (/home/ci/build/dist/jobs/load.js:99:17)\n    at node:internal/process:2:2';
    expect(fingerprint('Error', 'x', stack1)).toBe(fingerprint('Error', 'x', stack2));
    const stack3 = 'Error: x\n    at save (/srv/app-v1/dist/jobs/load.js:10:5)';
    expect(fingerprint('Error', 'x', stack1)).not.toBe(fingerprint('Error', 'x', stack3));
  });
});
