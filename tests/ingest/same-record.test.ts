/**
 * A browser event taken in at the ingest door and the same event tracked on the server carry their properties
 * in the same attributes: the store's views (feature_usage, user_activities' duration, experiments) read the
 * named ones. Both builders take the table from src/analytics/record.ts; the ingest door had its own copy, which
 * missed session.end's duration.
 */
import { describe, expect, it } from 'vitest';
import { toLogRecord as serverRecord } from '../../src/analytics/record.js';
import { toLogRecord as browserRecord } from '../../src/ingest/to-log-record.js';
import { ATTR, EVENT } from '../../src/semconv.js';

const PROPERTIES = { feature: 'bulk-export', durationMs: 1200, experiment: 'new-nav', variant: 'b', other: 'kept' };

/** Where each property went, values as text (the store holds attributes as strings; the browser path sends text). */
function placed(attributes: Record<string, unknown> | undefined): Record<string, string> {
  const named = [ATTR.featureName, ATTR.durationMs, ATTR.experimentKey, ATTR.experimentVariant] as string[];
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (named.includes(key) || key.startsWith(ATTR.propPrefix)) out[key] = String(value);
  }
  return out;
}

describe('server and browser events', () => {
  for (const name of [EVENT.featureUsed, EVENT.experimentExposure, EVENT.sessionEnd, 'report.exported']) {
    it(`${name}: the properties land in the same attributes`, () => {
      const server = serverRecord({ name, sessionId: 's-1', properties: PROPERTIES } as never, 'id-1');
      const browser = browserRecord({
        event: { id: 'id-1', event: name, sessionId: 's-1', timestamp: new Date().toISOString(), properties: PROPERTIES },
        timestamp: new Date(),
        receivedAt: new Date(),
        client: {},
      } as never);
      expect(placed(browser.attributes)).toEqual(placed(server.attributes));
      expect(Object.keys(placed(server.attributes)).length).toBeGreaterThan(0);
    });
  }
});
