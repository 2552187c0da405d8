/**
 * Event names the tracker sends. They are the server's names (EVENT in src/semconv.ts), copied here
 * because the browser entry must not pull Node-side modules into a page; tests/browser keeps the two equal.
 */
export const EVENT = {
  pageView: 'page.view',
  sessionStart: 'session.start',
  featureUsed: 'feature.used',
  experimentExposure: 'experiment.exposure',
  error: 'tc9.error',
  performance: 'tc9.performance',
} as const;

/** Sent by identify(): not part of the server contract's fixed names, it is an ordinary custom event. */
export const IDENTIFY_EVENT = 'user.identify';

/** Header carrying the session id on the tracker's requests, and on the app's own when it uses tracker.headers(). */
export const SESSION_HEADER = 'x-session-id';
export const WRITE_KEY_HEADER = 'x-write-key';
