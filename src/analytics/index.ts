export { track, trackBatch, validateEvent, type BatchResult } from './track.js';
export {
  trackLogin,
  trackLogout,
  trackNavigation,
  trackPageView,
  trackSessionStart,
  trackSessionEnd,
  trackMigrationCreated,
  trackMigrationExecuted,
  trackOrganisationConnected,
  trackFeatureUsage,
  type EventInput,
  type MigrationActivity,
} from './activity.js';
export { assignVariant, trackExperimentExposure, exposeVariant } from './experiments.js';
export { trackApiCall, trackPageLoad, normalizeRoute } from './performance.js';
export { Timers, startTimer, endTimer } from './timers.js';
export { ValidationError, type ValidationIssue } from './validation.js';
export { identityFromBaggage, BAGGAGE_KEYS, type Identity } from './identity.js';
export { toLogRecord } from './record.js';
export type { AnalyticsEvent, EventContext, EventMetadata } from './schema.js';
