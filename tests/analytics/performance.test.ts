import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Timers, ValidationError, endTimer, normalizeRoute, startTimer, trackApiCall, trackPageLoad } from '../../src/analytics/index.js';
import { ATTR, DURATION_BUCKETS_SECONDS, EVENT, METRIC } from '../../src/semconv.js';
import { installInMemoryOtel, sumWhere, type InMemoryOtel } from '../helpers/in-memory-otel.js';

let otel: InMemoryOtel;
beforeAll(() => {
  otel = installInMemoryOtel();
});
afterAll(() => otel.uninstall());
beforeEach(() => otel.reset());

describe('trackApiCall', () => {
  it('records seconds per route, method and status with the HTTP semconv attributes and the contract buckets', async () => {
    trackApiCall('/api/migrations/123?verbose=1', 'post', 250, 201);
    trackApiCall('/api/migrations/456', 'POST', 750, 201);
    trackApiCall('/api/migrations/789', 'POST', 1200, 503);
    trackApiCall('/api/health', 'BREW', 2, 200);
    const points = await otel.metric(METRIC.apiCallDuration);
    const created = points.find((p) => p.attributes['http.response.status_code'] === 201)!;
    expect(created.attributes).toEqual({
      'http.route': '/api/migrations/:id',
      'http.request.method': 'POST',
      'http.response.status_code': 201,
    });
    expect(created.count).toBe(2);
    expect(created.value).toBeCloseTo(1.0, 6);
    expect(created.boundaries).toEqual(DURATION_BUCKETS_SECONDS);
    const failed = points.find((p) => p.attributes['http.response.status_code'] === 503)!;
    expect(failed.attributes['error.type']).toBe('503');
    expect(points.find((p) => p.attributes['http.route'] === '/api/health')!.attributes['http.request.method']).toBe('_OTHER');
  });

  it('rejects bad arguments by name', () => {
    expect(() => trackApiCall('/x', 'GET', -1, 200)).toThrow('durationMs: must be a finite number');
    expect(() => trackApiCall('/x', 'GET', 1, 42)).toThrow('statusCode: must be an HTTP status code');
    expect(() => trackApiCall('', 'GET', 1, 200)).toThrow(ValidationError);
  });

  it('normalises concrete paths to route templates', () => {
    expect(normalizeRoute('/orgs/00D5g000004XyZ1EAK/users/42')).toBe('/orgs/:id/users/:id');
    expect(normalizeRoute('/runs/3f2b8c1e-9d4a-4f6b-8a7e-1c2d3e4f5a6b#top')).toBe('/runs/:id');
    expect(normalizeRoute('/settings/authentication')).toBe('/settings/authentication');
  });
});

describe('trackPageLoad and timers', () => {
  it('trackPageLoad records the histogram per path and one performance event', async () => {
    trackPageLoad('/dashboard', 1800, { userId: 'u-1', sessionId: 's-1' });
    const points = await otel.metric(METRIC.pageLoadDuration);
    expect(sumWhere(points, { [ATTR.urlPath]: '/dashboard' })).toBeCloseTo(1.8, 6);
    const [record] = otel.logs();
    expect(record!.eventName).toBe(EVENT.performance);
    expect(record!.attributes[ATTR.eventKind]).toBe('performance');
    expect(record!.attributes[ATTR.metricType]).toBe('page_load');
    expect(record!.attributes[ATTR.metricName]).toBe('/dashboard');
    expect(record!.attributes[ATTR.durationMs]).toBe(1800);
    expect(record!.attributes[ATTR.userId]).toBe('u-1');
  });

  it('startTimer/endTimer measure per name, with metadata as properties', async () => {
    startTimer('report.build');
    await new Promise((r) => setTimeout(r, 20));
    const ms = endTimer('report.build', { rows: 10 });
    expect(ms).toBeGreaterThan(0);
    expect(endTimer('report.build')).toBeUndefined();
    const points = await otel.metric(METRIC.timerDuration);
    const p = points.find((x) => x.attributes[ATTR.metricName] === 'report.build')!;
    expect(p.count).toBe(1);
    expect(p.value).toBeCloseTo(ms! / 1000, 6);
    const record = otel.logs().find((r) => r.attributes[ATTR.metricName] === 'report.build')!;
    expect(record.attributes[ATTR.metricType]).toBe('timer');
    expect(record.attributes['tc9.prop.rows']).toBe('10');
  });

  it('the stop function of startTimer ends that measurement even when the name restarted', () => {
    const first = startTimer('job');
    const second = startTimer('job');
    expect(first()).toBeGreaterThanOrEqual(0);
    expect(second()).toBeGreaterThanOrEqual(0);
    expect(endTimer('job')).toBeUndefined();
  });

  it('timers never ended do not pile up past the bound', () => {
    const timers = new Timers(10);
    for (let i = 0; i < 1000; i++) timers.start(`leak-${i}`);
    expect(timers.size).toBe(10);
    expect(timers.end('leak-0')).toBeUndefined();
    expect(timers.end('leak-999')).toBeGreaterThanOrEqual(0);
  });
});
