/**
 * tc9-observability: the API that auto-instrumentation cannot know about. Cheap to import: it needs only
 * @opentelemetry/api (and Sentry's core, which does nothing until the SDK has started it), so libraries and
 * hot paths can use it. The rest lives on subpaths:
 * - tc9-observability/register: `node --import tc9-observability/register app.js` starts everything;
 * - tc9-observability/sdk: start() and shutdown() for apps that prefer code, and the SDK's building blocks;
 * - tc9-observability/express, /fastify: framework adapters (identity, error handler, browser-events endpoint);
 * - tc9-observability/browser, /react: the browser tracker; tc9-observability/ingest: the endpoint's core.
 */

// Flushes and stops the telemetry that /register or start() started (without loading the SDK itself).
export { shutdown } from './core/sdk-handle.js';

// Migration runs and their phases.
export { MigrationRun, MigrationPhase, startMigrationRun, trackMigrationRun } from './migration/index.js';
export type { MigrationProgress, MigrationRunMeta, MigrationRunOptions, PhaseOutcome, RunOutcome } from './migration/index.js';

// Product analytics events, API performance helpers, experiments.
export * from './analytics/index.js';

// Classified errors.
export {
  captureError,
  classifyCategory,
  classifySeverity,
  fingerprint,
  markExternalServiceError,
  toError,
  withExternalService,
} from './errors/index.js';
export type { CapturedError, ErrorCategory, ErrorContext, ErrorSeverity } from './errors/index.js';

// Scheduled-job monitors.
export { monitor } from './monitors/index.js';
export type { MonitorOptions, MonitorStatus, MonitoredJob, ScheduleSpec } from './monitors/index.js';

// Request identity (user, session, organisation) on spans, baggage and the Sentry scope, framework-free.
export { runWithIdentity, contextWithIdentity, identifyFromHeaders } from './middleware/identity.js';
export type { Identify, IdentityOptions } from './middleware/identity.js';

// Privacy building blocks that need no SDK (start() applies the policy to everything it exports).
export { ConsentRegistry } from './privacy/consent.js';
export { createRedactor, type Redactor } from './privacy/redact.js';
export { createPseudonymizer } from './privacy/pseudonymize.js';
