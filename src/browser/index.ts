/**
 * tc9-observability/browser: the product-analytics tracker for web pages. No framework dependency,
 * no Node APIs; events go to the ingest endpoint (tc9-observability's createIngestHandler), which
 * emits them as the same OpenTelemetry events the server's analytics API writes.
 *
 *   const tracker = createTracker({ endpoint: '/v1/events', writeKey: 'pk_…', consent: userAgreed });
 *   tracker.trackFeatureUsage('report.export');
 *   fetch('/api/reports', { headers: tracker.headers() }); // server-side events join the session
 */
export { createTracker, TRACKER_VERSION } from './tracker.js';
export type { Tracker, TrackerOptions } from './tracker.js';
export type { SenderStats } from './sender.js';
export type { EventBatch, EventContext, EventMetadata, Properties, PropertyValue, TrackedEvent } from './event.js';
export { EVENT, IDENTIFY_EVENT, SESSION_HEADER, WRITE_KEY_HEADER } from './names.js';
