/**
 * The telemetry contract: names of our spans, metrics, event (log record) names and attributes.
 * The SDK side writes them, the ClickHouse views and queries read them, the dashboards show them,
 * so they live in one module and change only with a schema version bump.
 * Where an OpenTelemetry semantic convention exists we use it (user.id, session.id, url.path, ...).
 */

export const SCHEMA_VERSION = 1;

/** Instrumentation scope of everything our API emits. */
export const SCOPE_NAME = 'tc9-observability';

export const ATTR = {
  // Who and where (OTel semconv where it exists).
  userId: 'user.id',
  sessionId: 'session.id',
  orgId: 'tc9.org.id',
  orgType: 'tc9.org.type',
  userType: 'tc9.user.type',
  urlPath: 'url.path',
  userAgent: 'user_agent.original',
  clientAddress: 'client.address',
  browserName: 'browser.name',
  osName: 'os.name',
  deviceType: 'device.type',
  referrer: 'tc9.referrer',

  // Analytics events (log records).
  eventKind: 'tc9.event.kind', // 'analytics' | 'error' | 'performance'
  eventId: 'tc9.event.id',
  eventSource: 'tc9.event.source', // 'server' | 'browser'
  /** Event properties are flattened as tc9.prop.<key>, values as strings (objects JSON-encoded). */
  propPrefix: 'tc9.prop.',
  /** Event context (page, locale, ...) beyond the named attributes, flattened as tc9.ctx.<key>. */
  contextPrefix: 'tc9.ctx.',
  durationMs: 'tc9.duration_ms',
  featureName: 'tc9.feature.name',
  experimentKey: 'tc9.experiment.key',
  experimentVariant: 'tc9.experiment.variant',
  consent: 'tc9.consent', // 'granted' | 'pseudonymized' | 'dropped' (emptied record, see src/privacy)
  spoolDropReason: 'tc9.spool.drop_reason', // on tc9.spool.dropped: 'full' | 'rejected'

  // Migrations (spans and metrics).
  migrationId: 'tc9.migration.id',
  runId: 'tc9.migration.run_id',
  phase: 'tc9.migration.phase',
  outcome: 'tc9.migration.outcome', // records: 'processed' | 'failed'; runs: 'succeeded' | 'failed' | 'cancelled'
  sourceOrg: 'tc9.migration.source_org',
  targetOrg: 'tc9.migration.target_org',
  template: 'tc9.migration.template',
  recordsTotal: 'tc9.migration.records.total',
  recordsProcessed: 'tc9.migration.records.processed',
  recordsFailed: 'tc9.migration.records.failed',
  throughput: 'tc9.migration.records_per_second',
  progress: 'tc9.migration.progress', // 0..1
  etaSeconds: 'tc9.migration.eta_seconds',
  memoryBytes: 'tc9.migration.memory_bytes',
  failureReason: 'tc9.migration.failure_reason',
  apiSystem: 'tc9.api.system', // e.g. 'salesforce'
  apiOperation: 'tc9.api.operation',

  // Errors.
  errorFingerprint: 'tc9.error.fingerprint',
  errorCategory: 'tc9.error.category',
  errorSeverity: 'tc9.error.severity',
  exceptionType: 'exception.type',
  exceptionMessage: 'exception.message',
  exceptionStacktrace: 'exception.stacktrace',

  // Scheduled jobs.
  monitorSlug: 'tc9.monitor.slug',
  monitorSchedule: 'tc9.monitor.schedule',
  monitorStatus: 'tc9.monitor.status', // 'ok' | 'error' | 'missed' | 'overrun'
  monitorMaxRuntimeMs: 'tc9.monitor.max_runtime_ms', // on the monitor.overrun span event

  // Performance helpers (trackPageLoad, startTimer/endTimer, trackApiCall).
  metricName: 'tc9.metric.name',
  metricType: 'tc9.metric.type',
} as const;

/** Log record event names (LogRecord.eventName, the EventName column in ClickHouse). */
export const EVENT = {
  login: 'user.login',
  logout: 'user.logout',
  navigation: 'user.navigation',
  pageView: 'page.view',
  sessionStart: 'session.start',
  sessionEnd: 'session.end',
  featureUsed: 'feature.used',
  experimentExposure: 'experiment.exposure',
  migrationCreated: 'migration.created',
  migrationExecuted: 'migration.executed',
  organisationConnected: 'organisation.connected',
  /** A classified application error (captureError), one per occurrence. */
  error: 'tc9.error',
  /** A performance measurement from trackPageLoad / endTimer / web vitals. */
  performance: 'tc9.performance',
} as const;

export const SPAN = {
  migrationRun: 'migration.run',
  /** Phase spans are named `migration.phase <phase>`; the phase is also in ATTR.phase. */
  migrationPhasePrefix: 'migration.phase ',
  migrationApiCall: 'migration.api_call',
  monitorRun: 'monitor.run',
  /** Span event on a monitor.run span still running past its maximum runtime. */
  monitorOverrunEvent: 'monitor.overrun',
} as const;

export const METRIC = {
  // Migrations.
  migrationRecords: 'tc9.migration.records', // observable counter {record}; attrs phase, outcome, template
  migrationPhaseDuration: 'tc9.migration.phase.duration', // histogram s; attrs phase, template, outcome
  migrationThroughput: 'tc9.migration.throughput', // histogram {record}/s per phase; attrs phase, template
  migrationApiCalls: 'tc9.migration.api_calls', // counter; attrs api system, operation, outcome
  migrationApiCallDuration: 'tc9.migration.api_call.duration', // histogram s
  migrationMemory: 'tc9.migration.memory', // gauge By at phase end; attrs phase
  migrationRuns: 'tc9.migration.runs', // counter; attrs outcome, template
  // HTTP RED follows the semantic conventions (http.server.request.duration, seconds).
  httpServerDuration: 'http.server.request.duration',
  httpClientDuration: 'http.client.request.duration',
  apiCallDuration: 'tc9.api.call.duration', // trackApiCall: histogram s; attrs http.route, http.request.method, http.response.status_code
  pageLoadDuration: 'tc9.page.load.duration', // histogram s; attrs url.path
  timerDuration: 'tc9.timer.duration', // histogram s; attrs tc9.metric.name
  // Scheduled jobs.
  monitorRuns: 'tc9.monitor.runs', // counter; attrs slug, status
  monitorDuration: 'tc9.monitor.duration', // histogram s; attrs slug
  // Errors.
  errors: 'tc9.errors', // counter; attrs category, severity
  // Telemetry about telemetry.
  spoolDropped: 'tc9.spool.dropped', // counter {log_record}: log records the full disk spool could not keep (src/sdk/spool)
} as const;

/**
 * Histogram bucket boundaries in seconds for request-like durations: dense between 5 ms and 2.5 s,
 * so interpolated p50/p95/p99 land within a few percent.
 */
export const DURATION_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 5,
  7.5, 10, 30, 60,
];
