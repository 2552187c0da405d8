/**
 * The wire shape of a tracked event: what the tracker sends and the ingest endpoint validates
 * (AnalyticsEvent of the data model, with `source: 'client'` metadata).
 */

/** JSON-serialisable property values. */
export type PropertyValue = string | number | boolean | null | PropertyValue[] | { [key: string]: PropertyValue };
export type Properties = Record<string, PropertyValue>;

export interface EventContext {
  /** Page URL without query string and fragment (they often carry tokens or personal data). */
  url?: string;
  path?: string;
  referrer?: string;
  title?: string;
  /** "WIDTHxHEIGHT" */
  screenResolution?: string;
  timezone?: string;
  locale?: string;
}

export interface EventMetadata {
  source: 'client';
  /** Tracker version. */
  version: string;
  retryCount: number;
}

export interface TrackedEvent {
  /** UUID, so the ingest side and the store can drop duplicates of a retried batch. */
  id: string;
  event: string;
  sessionId: string;
  userId?: string;
  /** ISO 8601, client clock; the ingest side corrects the skew with the batch's sentAt. */
  timestamp: string;
  properties?: Properties;
  context?: EventContext;
  metadata?: EventMetadata;
  /**
   * W3C trace id (32 lowercase hex) of the app's latest traced request before this event (see the
   * tracker's propagateTo), with that request's span id (16 hex): the server span's parent. The ingest
   * endpoint writes them as the log record's trace and span id.
   */
  traceId?: string;
  spanId?: string;
}

/** Body of POST <endpoint>. */
export interface EventBatch {
  batch: TrackedEvent[];
  /** ISO 8601, client clock at sending time. */
  sentAt: string;
  /** Only in sendBeacon bodies: a beacon cannot carry headers. */
  writeKey?: string;
}
