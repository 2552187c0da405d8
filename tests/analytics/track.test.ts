import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ValidationError,
  track,
  trackBatch,
  trackFeatureUsage,
  trackLogin,
  trackMigrationCreated,
  trackNavigation,
  trackOrganisationConnected,
  trackPageView,
  trackSessionEnd,
} from '../../src/analytics/index.js';
import { ATTR, EVENT } from '../../src/semconv.js';
import { installInMemoryOtel, type InMemoryOtel } from '../helpers/in-memory-otel.js';

let otel: InMemoryOtel;
beforeAll(() => {
  otel = installInMemoryOtel();
});
afterAll(() => otel.uninstall());
beforeEach(() => otel.reset());

const SESSION = 'sess-1';

describe('track', () => {
  it('emits one log record with the event name, the schema attributes and the active trace', () => {
    let traceId = '';
    let spanId = '';
    let id = '';
    trace.getTracer('test').startActiveSpan('request', (span) => {
      traceId = span.spanContext().traceId;
      spanId = span.spanContext().spanId;
      id = track({
        name: 'report.exported',
        userId: 'u-1',
        sessionId: SESSION,
        timestamp: new Date('2026-01-02T03:04:05Z'),
        properties: { format: 'csv', rows: 1200, filters: { org: 'acme' } },
        context: {
          url: 'https://app.example.com/reports/7?tab=1',
          screenResolution: '1920x1080',
          timezone: 'Europe/London',
          browser: 'Firefox',
        },
        metadata: { version: '1.4.0', environment: 'production', source: 'server', retryCount: 0 },
        orgId: 'org-9',
        orgType: 'enterprise',
        userType: 'admin',
      });
      span.end();
    });
    const [record] = otel.logs();
    expect(otel.logs()).toHaveLength(1);
    expect(record!.eventName).toBe('report.exported');
    expect(record!.spanContext?.traceId).toBe(traceId);
    expect(record!.spanContext?.spanId).toBe(spanId);
    expect(record!.hrTime[0]).toBe(Date.parse('2026-01-02T03:04:05Z') / 1000);
    const a = record!.attributes;
    expect(a[ATTR.eventKind]).toBe('analytics');
    expect(a[ATTR.eventId]).toBe(id);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a[ATTR.eventSource]).toBe('server');
    expect(a[ATTR.userId]).toBe('u-1');
    expect(a[ATTR.sessionId]).toBe(SESSION);
    expect(a[ATTR.orgId]).toBe('org-9');
    expect(a[ATTR.orgType]).toBe('enterprise');
    expect(a[ATTR.userType]).toBe('admin');
    expect(a[ATTR.urlPath]).toBe('/reports/7');
    expect(a[ATTR.browserName]).toBe('Firefox');
    expect(a['tc9.prop.format']).toBe('csv');
    expect(a['tc9.prop.rows']).toBe('1200');
    expect(a['tc9.prop.filters']).toBe('{"org":"acme"}');
    expect(a['tc9.ctx.screenResolution']).toBe('1920x1080');
    expect(a['tc9.ctx.timezone']).toBe('Europe/London');
    expect(a['tc9.ctx.app_version']).toBe('1.4.0');
  });

  it('takes user, session and organisation from baggage when the event does not say', () => {
    const baggage = propagation.createBaggage({
      [ATTR.userId]: { value: 'u-bag' },
      [ATTR.sessionId]: { value: 's-bag' },
      [ATTR.orgId]: { value: 'o-bag' },
    });
    context.with(propagation.setBaggage(context.active(), baggage), () => {
      track({ name: 'report.viewed' });
      track({ name: 'report.viewed', userId: 'u-explicit' });
    });
    const [first, second] = otel.logs();
    expect(first!.attributes[ATTR.userId]).toBe('u-bag');
    expect(first!.attributes[ATTR.sessionId]).toBe('s-bag');
    expect(first!.attributes[ATTR.orgId]).toBe('o-bag');
    expect(second!.attributes[ATTR.userId]).toBe('u-explicit');
  });

  it.each([
    ['event.name: must be 1 to 128', { name: '' }],
    ['event.name: must be 1 to 128', { name: '9lives' }],
    ['event.name: is reserved', { name: EVENT.error }],
    ['event.sessionId: must not be empty', { name: 'x', sessionId: '' }],
    ['event.timestamp: must be a valid Date', { name: 'x', timestamp: new Date('nope') }],
    ['event.context.url: must be an http(s) URL', { name: 'x', context: { url: 'not a url' } }],
    ['event.context.screenResolution: must be WIDTHxHEIGHT', { name: 'x', context: { screenResolution: '1920*1080' } }],
    ['event.metadata.version: must be a semantic version', { name: 'x', metadata: { version: 'one' } }],
    ['event.metadata.environment: must be one of', { name: 'x', metadata: { environment: 'qa' } }],
    ['event.metadata.retryCount: must not be negative', { name: 'x', metadata: { retryCount: -1 } }],
    ['event.properties.fn: must be serialisable to JSON (a function)', { name: 'x', properties: { fn: () => 1 } }],
    ['event.properties.deep.n: must be serialisable to JSON (a bigint)', { name: 'x', properties: { deep: { n: 10n } } }],
    ['event.properties', { name: 'x', properties: { 'bad key!': 1 } }],
    ['event.properties.feature: feature.used events need the feature name', { name: EVENT.featureUsed }],
  ])('rejects with "%s"', (message, event) => {
    expect(() => track(event as never)).toThrow(ValidationError);
    expect(() => track(event as never)).toThrow(message);
    expect(otel.logs()).toHaveLength(0);
  });

  it('a batch with one bad event emits the others and reports the bad one', () => {
    const result = trackBatch([
      { name: 'a.one', sessionId: SESSION },
      { name: 'a two', sessionId: SESSION },
      { name: 'a.three', sessionId: SESSION },
    ]);
    expect(result.emitted.map((e) => e.index)).toEqual([0, 2]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.index).toBe(1);
    expect(result.rejected[0]!.error.message).toMatch(/^events\[1\]\.name: /);
    expect(otel.logs().map((r) => r.eventName)).toEqual(['a.one', 'a.three']);
  });
});

describe('activity helpers', () => {
  it('write the event names and the attributes the store views read', () => {
    trackLogin({ userId: 'u-1', sessionId: SESSION, method: 'sso' });
    trackNavigation('/a', '/b', { sessionId: SESSION });
    trackPageView('/migrations', { sessionId: SESSION, title: 'Migrations' });
    trackMigrationCreated({ migrationId: 'm-1', template: 'accounts', sourceOrg: 'o1', targetOrg: 'o2' }, { userId: 'u-1' });
    trackOrganisationConnected({ orgId: 'org-5', orgType: 'salesforce-sandbox' }, { userId: 'u-1' });
    trackFeatureUsage('bulk-edit', { userId: 'u-1', durationMs: 1500 });
    trackSessionEnd({ sessionId: SESSION, durationMs: 60_000 });
    const logs = otel.logs();
    expect(logs.map((r) => r.eventName)).toEqual([
      EVENT.login,
      EVENT.navigation,
      EVENT.pageView,
      EVENT.migrationCreated,
      EVENT.organisationConnected,
      EVENT.featureUsed,
      EVENT.sessionEnd,
    ]);
    const [login, nav, page, created, org, feature, end] = logs.map((r) => r.attributes);
    expect(login!['tc9.prop.method']).toBe('sso');
    expect(nav![ATTR.urlPath]).toBe('/b');
    expect(nav!['tc9.prop.from']).toBe('/a');
    expect(page![ATTR.urlPath]).toBe('/migrations');
    expect(page!['tc9.ctx.title']).toBe('Migrations');
    expect(created!['tc9.prop.resource_type']).toBe('migration');
    expect(created!['tc9.prop.resource_id']).toBe('m-1');
    expect(created!['tc9.prop.template']).toBe('accounts');
    expect(org![ATTR.orgId]).toBe('org-5');
    expect(org![ATTR.orgType]).toBe('salesforce-sandbox');
    expect(feature![ATTR.featureName]).toBe('bulk-edit');
    expect(feature![ATTR.durationMs]).toBe(1500);
    expect(feature!['tc9.prop.feature']).toBeUndefined();
    expect(end![ATTR.durationMs]).toBe(60_000);
  });
});
