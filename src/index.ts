/**
 * The public API of tc9-observability: start/shutdown for apps that prefer code to `--import
 * tc9-observability/register`, and the domain API auto-instrumentation cannot know about.
 */
export { start, shutdown } from './sdk/start.js';
export type { StartOptions, Telemetry } from './sdk/start.js';
export { setupExpressErrorHandler } from './sdk/express.js';
export type { ExpressLikeApp } from './sdk/express.js';
export { createSentryScrubber, scrubEvent } from './privacy/sentry-event.js';
export { loadConfig, ConfigError } from './config.js';
export type { Config } from './config.js';

// Migration runs and their phases.
export { MigrationRun, MigrationPhase, startMigrationRun, trackMigrationRun } from './migration/index.js';
export type { MigrationProgress, MigrationRunMeta, MigrationRunOptions, PhaseOutcome, RunOutcome } from './migration/index.js';

// Product analytics events, API performance helpers, experiments.
export * from './analytics/index.js';

// Classified errors.
export { captureError, classifyCategory, classifySeverity, fingerprint, markExternalServiceError, withExternalService } from './errors/index.js';
export type { CapturedError, ErrorCategory, ErrorContext, ErrorSeverity } from './errors/index.js';

// Scheduled-job monitors.
export { monitor } from './monitors/index.js';
export type { MonitorOptions, MonitorStatus, MonitoredJob, ScheduleSpec } from './monitors/index.js';

// Request identity (user, session, organisation) on spans, baggage and the Sentry scope.
export { expressIdentity, fastifyIdentity, runWithIdentity, contextWithIdentity } from './middleware/index.js';
export type { Identify, IdentityOptions } from './middleware/index.js';

// Privacy building blocks (start() already applies them to everything it exports).
export { ConsentRegistry, createPrivacyProcessors, createRedactor, createPseudonymizer } from './privacy/index.js';
export type { PrivacyProcessors, Redactor } from './privacy/index.js';

// The browser-events endpoint (the browser tracker's batches), for Express apps.
export { expressIngest } from './ingest/index.js';
export type { ExpressIngestOptions } from './ingest/index.js';
