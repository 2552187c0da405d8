/**
 * One pathOf for analytics events, browser events and captured errors. Analytics events used to keep only an
 * absolute URL's path, so `context.url: '/reports/7?tab=1'` gave an event without url.path while captureError
 * with the same url had one.
 */
import { describe, expect, it } from 'vitest';
import { toLogRecord } from '../../src/analytics/record.js';
import { pathOf } from '../../src/core/url.js';
import { ATTR } from '../../src/semconv.js';

describe('pathOf', () => {
  it('takes the path of an absolute URL and of a path, without query and fragment', () => {
    expect(pathOf('https://app.example.com/reports/7?tab=1#top')).toBe('/reports/7');
    expect(pathOf('/reports/7?tab=1#top')).toBe('/reports/7');
    expect(pathOf('/reports/7')).toBe('/reports/7');
  });

  it('gives nothing for nothing and for what does not parse', () => {
    expect(pathOf(undefined)).toBeUndefined();
    expect(pathOf('')).toBeUndefined();
    expect(pathOf('reports/7')).toBeUndefined();
  });

  it('an analytics event with a relative url has url.path, as a captured error does', () => {
    const record = toLogRecord({ name: 'report.viewed', sessionId: 's-1', context: { url: '/reports/7?tab=1' } } as never, 'id-1');
    expect(record.attributes?.[ATTR.urlPath]).toBe('/reports/7');
  });
});
