/**
 * A week of telemetry generated inside the engine (INSERT ... SELECT FROM numbers(N)), shaped like the rows
 * the collector and the embedded exporters write, so the dashboards' SQL meets realistic data:
 * - spans: requests of the reference service (server span, Prisma operation, two pg queries) over ten routes
 *   with realistic status codes and a long-tailed latency, plus migration runs with their three phases;
 * - events: page views, logins, feature use, experiments, migrations, performance measurements and
 *   classified errors of N/500 users in ~3 h sessions, through the real materialized views;
 * - metrics: the span_metrics connector's calls and duration histogram derived from the server spans (15 s
 *   flushes, buckets from otel-collector-config.yaml) and the runtime gauges every minute.
 * Time runs evenly over the 7 days before `nowMs`.
 */
import { parse } from 'yaml';
import { SPAN_METRICS } from '../src/dashboards/sql/metric-names.js';
import { ATTR, EVENT, SPAN } from '../src/semconv.js';

export interface GenerateOptions {
  spans: number;
  events: number;
  nowMs: number;
  days?: number;
}

const DAY_MS = 86_400_000;

const ROUTES = [
  ['GET', '/projects'],
  ['GET', '/projects/:id'],
  ['POST', '/projects'],
  ['GET', '/organisations'],
  ['POST', '/organisations'],
  ['POST', '/projects/:id/runs'],
  ['GET', '/runs/:id'],
  ['GET', '/runs/:id/results'],
  ['GET', '/health'],
  ['GET', '/debug/error'],
] as const;

const sqlArray = (values: readonly (string | number)[]) =>
  `[${values.map((v) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`)).join(', ')}]`;

interface Window {
  startNs: bigint;
  stepNs: (n: number) => bigint;
}

function window(options: GenerateOptions): Window {
  const days = options.days ?? 7;
  const startNs = BigInt(options.nowMs - days * DAY_MS) * 1_000_000n;
  const spanNs = BigInt(days * DAY_MS) * 1_000_000n;
  return { startNs, stepNs: (n) => spanNs / BigInt(Math.max(n, 1)) };
}

/**
 * The request a group of spans stands for, as SQL columns over a column `g` (the group number): route,
 * method, status, service, environment, version and the server span's latency. Shared by the spans and the
 * span metrics, so both tell the same story.
 */
function requestColumns(n: number): string {
  return `cityHash64(g, 'route') % ${ROUTES.length} + 1 AS ri,
        ${sqlArray(ROUTES.map((r) => r[1]))}[ri] AS route,
        ${sqlArray(ROUTES.map((r) => r[0]))}[ri] AS method,
        cityHash64(g, 'status') % 100 AS sr,
        multiIf(route = '/debug/error', 500, sr < 2, 404, sr < 3, 500, sr < 4, 400, method = 'POST', 201, 200) AS status,
        if(cityHash64(g, 'svc') % 5 = 0, 'migration-worker', 'migration-service') AS service,
        if(cityHash64(g, 'env') % 10 = 0, 'staging', 'production') AS env,
        if(g < ${Math.floor(n / 8)}, '1.4.0', '1.5.0') AS version,
        -- Long-tailed request latency: 5 ms plus an exponential (mean 20 ms), 1% up to 2 s more.
        toUInt64(5e6 - log(1 - (cityHash64(g, 'd') % 1000000) / 1e6) * 20e6 + if(cityHash64(g, 'tail') % 100 = 0, (cityHash64(g, 'td') % 1000) * 2e6, 0)) AS request`;
}

/** Every 2000th group is a migration run (run span and three phase spans) instead of a request. */
const MIGRATION_EVERY = 2000;

/** Spans: groups of four (server, prisma:client:operation, two pg queries), or a migration run and its phases. */
export function spansSql(options: GenerateOptions): string {
  const n = options.spans;
  const { startNs, stepNs } = window(options);
  const groupStep = stepNs(n) * 4n;
  return `
INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion,
                         SpanAttributes, Duration, StatusCode, StatusMessage)
SELECT
    fromUnixTimestamp64Nano(toInt64(${startNs} + g * ${groupStep} + pos * 1000000)) AS Timestamp,
    lower(hex(cityHash64(g, 'trace'))) || lower(hex(cityHash64(g, 'trace2'))) AS TraceId,
    lower(hex(cityHash64(number, 'span'))) AS SpanId,
    multiIf(pos = 0, '', mig OR pos = 1, lower(hex(cityHash64(g * 4, 'span'))), lower(hex(cityHash64(g * 4 + 1, 'span')))) AS ParentSpanId,
    multiIf(run, '${SPAN.migrationRun}', mig, '${SPAN.migrationPhasePrefix}' || phase, pos = 0, method || ' ' || route, pos = 1, 'prisma:client:operation', 'pg.query:SELECT migrations') AS SpanName,
    multiIf(mig, 'Internal', pos = 0, 'Server', pos = 1, 'Internal', 'Client') AS SpanKind,
    service AS ServiceName,
    map('service.name', service, 'service.version', version, 'deployment.environment.name', env,
        'service.instance.id', service || '-' || toString(g % 2 + 1), 'telemetry.sdk.language', 'nodejs') AS ResourceAttributes,
    multiIf(mig, 'tc9-observability', pos = 0, '@opentelemetry/instrumentation-http', pos = 1, 'prisma', '@opentelemetry/instrumentation-pg') AS ScopeName,
    '0.301.0' AS ScopeVersion,
    mapFilter((k, v) -> v != '', multiIf(
        run, map('${ATTR.runId}', 'run-' || toString(g), '${ATTR.migrationId}', 'mig-' || toString(g % 500), '${ATTR.template}', template,
                 '${ATTR.outcome}', outcome, '${ATTR.recordsTotal}', toString(total), '${ATTR.recordsProcessed}', toString(processed),
                 '${ATTR.recordsFailed}', toString(failed), '${ATTR.failureReason}', if(outcome = 'failed', reason, ''),
                 '${ATTR.sourceOrg}', 'org-' || toString(g % 40), '${ATTR.targetOrg}', 'org-' || toString((g + 1) % 40),
                 '${ATTR.userId}', 'user-' || toString(g % 3000), '${ATTR.orgId}', 'org-' || toString(g % 40)),
        mig, map('${ATTR.runId}', 'run-' || toString(g), '${ATTR.migrationId}', 'mig-' || toString(g % 500), '${ATTR.template}', template,
                 '${ATTR.phase}', phase, '${ATTR.recordsProcessed}', toString(processed), '${ATTR.recordsFailed}', toString(failed),
                 '${ATTR.throughput}', toString(round(processed / (duration / 1e9), 1)), '${ATTR.memoryBytes}', toString(50000000 + cityHash64(number, 'mem') % 200000000)),
        pos = 0, map('http.route', route, 'http.request.method', method, 'http.response.status_code', toString(status),
                     'url.path', replaceOne(route, ':id', toString(cityHash64(g, 'id') % 100000)), 'server.address', '127.0.0.1',
                     'network.protocol.version', '1.1', 'user_agent.original', 'Mozilla/5.0'),
        pos = 1, map('model', model, 'method', operation, 'name', model || '.' || operation),
        map('db.system.name', 'postgresql', 'db.namespace', 'migrations', 'db.query.text', 'SELECT "id", "name" FROM "' || model || '" WHERE "id" = $1'))) AS SpanAttributes,
    duration AS Duration,
    multiIf(run AND outcome = 'failed', 'Error', run, 'Ok', NOT mig AND status >= 500 AND pos = 0, 'Error', 'Unset') AS StatusCode,
    multiIf(run AND outcome = 'failed', reason, NOT mig AND status >= 500 AND pos = 0, 'Internal Server Error', '') AS StatusMessage
FROM (
    SELECT number, intDiv(number, 4) AS g, number % 4 AS pos,
        g % ${MIGRATION_EVERY} = 0 AS mig, mig AND pos = 0 AS run,
        ${sqlArray(['extract', 'transform', 'load'])}[greatest(pos, 1)] AS phase,
        ${requestColumns(n)},
        ${sqlArray(['MigrationProject', 'Organisation', 'MigrationRun'])}[cityHash64(g, 'model') % 3 + 1] AS model,
        ${sqlArray(['findMany', 'findUnique', 'create', 'groupBy'])}[cityHash64(g, 'op') % 4 + 1] AS operation,
        ${sqlArray(['accounts', 'contacts', 'opportunities'])}[cityHash64(g, 'tpl') % 3 + 1] AS template,
        -- Of every 20 runs: 2 fail, 1 is cancelled.
        intDiv(g, ${MIGRATION_EVERY}) % 20 AS run_index,
        multiIf(run_index IN (3, 13), 'failed', run_index = 7, 'cancelled', 'succeeded') AS outcome,
        ${sqlArray(['api_limit', 'validation', 'timeout'])}[cityHash64(g, 'reason') % 3 + 1] AS reason,
        1000 + cityHash64(g, 'total') % 50000 AS total,
        if(outcome = 'failed', intDiv(total, 2), total) AS processed,
        cityHash64(g, 'failed') % 50 AS failed,
        multiIf(run, (60 + cityHash64(g, 'rd') % 1800) * 1000000000, mig, (20 + cityHash64(number, 'pd') % 600) * 1000000000,
                pos = 0, request, pos = 1, toUInt64(request * 0.6), toUInt64(request * 0.25)) AS duration
    FROM numbers_mt(${n})
)
SETTINGS max_insert_threads = 2`;
}

const ERRORS = [
  ['TypeError', "Cannot read properties of undefined (reading 'id')", 'internal', 'error'],
  ['PrismaClientKnownRequestError', 'Unique constraint failed on the fields: (`name`)', 'database', 'error'],
  ['ExternalServiceError', 'Salesforce API limit exceeded', 'external_service', 'warning'],
  ['ValidationError', 'Invalid template mapping for field Account.Name', 'validation', 'warning'],
  ['Error', 'Connection terminated unexpectedly', 'database', 'critical'],
] as const;

/** Events (log records with EventName), the mix a product with browser and server events sends. */
export function eventsSql(options: GenerateOptions): string {
  const n = options.events;
  const { startNs, stepNs } = window(options);
  const users = Math.max(1000, Math.floor(n / 500));
  // About 8 session windows a day per user.
  const sessionWindow = Math.max(1, Math.floor(n / ((options.days ?? 7) * 8)));
  const e = EVENT;
  return `
INSERT INTO otel_logs (Timestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes,
                       ScopeName, ScopeVersion, LogAttributes, EventName)
SELECT
    fromUnixTimestamp64Nano(toInt64(${startNs} + number * ${stepNs(n)})) AS Timestamp,
    if(browser, '', lower(hex(cityHash64(number, 't'))) || lower(hex(cityHash64(number, 't2')))) AS TraceId,
    if(browser, '', lower(hex(cityHash64(number, 's')))) AS SpanId,
    if(browser, 0, 1) AS TraceFlags,
    if(kind = 'error', 'ERROR', 'INFO') AS SeverityText,
    if(kind = 'error', 17, 9) AS SeverityNumber,
    service AS ServiceName,
    if(kind = 'error', message, name) AS Body,
    map('service.name', service, 'service.version', version, 'deployment.environment.name', env,
        'service.instance.id', if(browser, 'browser', service || '-1'), 'telemetry.sdk.language', if(browser, 'webjs', 'nodejs')) AS ResourceAttributes,
    'tc9-observability' AS ScopeName,
    '0.1.0' AS ScopeVersion,
    mapFilter((k, v) -> v != '', map(
        '${ATTR.eventKind}', kind, '${ATTR.eventId}', lower(hex(cityHash64(number, 'id'))), '${ATTR.eventSource}', if(browser, 'browser', 'server'),
        '${ATTR.consent}', if(kind = 'analytics', 'granted', ''),
        '${ATTR.userId}', uid, '${ATTR.sessionId}', session, '${ATTR.orgId}', 'org-' || toString(ui % 200),
        '${ATTR.orgType}', ${sqlArray(['production', 'sandbox', 'developer'])}[ui % 3 + 1],
        '${ATTR.userType}', ${sqlArray(['admin', 'consultant', 'consultant', 'viewer'])}[ui % 4 + 1],
        '${ATTR.urlPath}', ${sqlArray(['/dashboard', '/projects', '/projects/:id', '/organisations', '/runs/:id', '/settings', '/reports'])}[cityHash64(number, 'p') % 7 + 1],
        '${ATTR.browserName}', if(browser, ${sqlArray(['Firefox', 'Chrome', 'Safari', 'Edge'])}[ui % 4 + 1], ''),
        '${ATTR.osName}', if(browser, ${sqlArray(['Windows', 'macOS', 'Linux', 'iOS'])}[ui % 4 + 1], ''),
        '${ATTR.deviceType}', if(browser, if(ui % 5 = 0, 'mobile', 'desktop'), ''),
        '${ATTR.featureName}', if(name = '${e.featureUsed}', ${sqlArray(['field-mapping', 'dry-run', 'schedule', 'bulk-edit', 'templates', 'export'])}[cityHash64(number, 'f') % 6 + 1], ''),
        '${ATTR.durationMs}', if(name IN ('${e.featureUsed}', '${e.sessionEnd}') OR kind = 'performance', toString(50 + cityHash64(number, 'dur') % 5000), ''),
        '${ATTR.experimentKey}', if(name = '${e.experimentExposure}', 'onboarding-flow', ''),
        '${ATTR.experimentVariant}', if(name = '${e.experimentExposure}', if(ui % 2 = 0, 'control', 'guided-setup'), ''),
        'tc9.prop.resource_type', if(name IN ('${e.migrationCreated}', '${e.migrationExecuted}'), 'migration', ''),
        'tc9.prop.resource_id', if(name IN ('${e.migrationCreated}', '${e.migrationExecuted}'), 'mig-' || toString(cityHash64(ui, intDiv(number, ${sessionWindow})) % 100000), ''),
        '${ATTR.template}', if(name IN ('${e.migrationCreated}', '${e.migrationExecuted}'), 'accounts', ''),
        'tc9.metric.type', if(kind = 'performance', ${sqlArray(['page_load', 'timer', 'web_vital'])}[cityHash64(number, 'mt') % 3 + 1], ''),
        'tc9.metric.name', if(kind = 'performance', ${sqlArray(['/dashboard', 'mapping.render', 'LCP', 'INP'])}[cityHash64(number, 'mn') % 4 + 1], ''),
        '${ATTR.errorFingerprint}', if(kind = 'error', lower(hex(cityHash64(ei, cityHash64(number, 'fp') % 60))), ''),
        '${ATTR.exceptionType}', if(kind = 'error', ${sqlArray(ERRORS.map((x) => x[0]))}[ei], ''),
        '${ATTR.exceptionMessage}', if(kind = 'error', message, ''),
        '${ATTR.exceptionStacktrace}', if(kind = 'error', ${sqlArray(ERRORS.map((x) => x[0]))}[ei] || ': ' || message || '\\n    at handler (file:///app/routes/projects.js:42:13)', ''),
        '${ATTR.errorCategory}', if(kind = 'error', ${sqlArray(ERRORS.map((x) => x[2]))}[ei], ''),
        '${ATTR.errorSeverity}', if(kind = 'error', ${sqlArray(ERRORS.map((x) => x[3]))}[ei], ''))) AS LogAttributes,
    name AS EventName
FROM (
    SELECT number, cityHash64(number, 'e') % 100 AS b,
        multiIf(b < 34, '${e.pageView}', b < 44, '${e.featureUsed}', b < 49, '${e.login}', b < 52, '${e.logout}', b < 57, '${e.sessionStart}',
                b < 62, '${e.sessionEnd}', b < 65, '${e.organisationConnected}', b < 69, '${e.migrationCreated}', b < 72, '${e.migrationExecuted}',
                b < 77, '${e.experimentExposure}', b < 82, '${e.navigation}', b < 94, '${e.performance}', b < 97, '${e.error}', '${e.pageView}') AS name,
        multiIf(name = '${e.error}', 'error', name = '${e.performance}', 'performance', 'analytics') AS kind,
        cityHash64(number, 'u') % ${users} AS ui,
        'user-' || toString(ui) AS uid,
        lower(hex(cityHash64(ui, intDiv(number, ${sessionWindow})))) AS session,
        kind = 'analytics' AND cityHash64(number, 'br') % 10 < 7 AS browser,
        if(browser, 'migration-web', 'migration-service') AS service,
        if(ui % 10 = 0, 'staging', 'production') AS env,
        if(number < ${Math.floor(n / 2)}, '1.4.0', '1.5.0') AS version,
        cityHash64(number, 'err') % ${ERRORS.length} + 1 AS ei,
        ${sqlArray(ERRORS.map((x) => x[1]))}[ei] AS message
    FROM numbers_mt(${n})
)
SETTINGS max_insert_threads = 2`;
}

/**
 * What the collector's span_metrics connector makes of the generated server spans: per 15 s flush and series
 * (its dimensions, proto-enum spellings) a delta calls sum and a duration histogram in ms over the configured
 * buckets. Computed from the same request columns as the spans rather than read back from otel_traces.
 */
export function spanMetricsSql(options: GenerateOptions, bucketsMs: readonly number[]): string[] {
  const n = options.spans;
  const { startNs, stepNs } = window(options);
  const groupStep = stepNs(n) * 4n;
  const bounds = `[${bucketsMs.map((b) => b.toFixed(3)).join(', ')}]`;
  const bucketCounts = [
    ...bucketsMs.map((b, i) => (i === 0 ? `countIf(ms <= ${b})` : `countIf(ms > ${bucketsMs[i - 1]} AND ms <= ${b})`)),
    `countIf(ms > ${bucketsMs[bucketsMs.length - 1]})`,
  ].join(', ');
  const requests = `(
        SELECT number AS g, ${requestColumns(n)},
            toStartOfInterval(fromUnixTimestamp64Nano(toInt64(${startNs} + g * ${groupStep})), INTERVAL 15 SECOND) AS flush,
            method || ' ' || route AS span_name,
            if(status >= 500, '${SPAN_METRICS.errorStatus}', 'STATUS_CODE_UNSET') AS status_code,
            request / 1e6 AS ms
        FROM numbers_mt(${Math.floor(n / 4)})
        WHERE g % ${MIGRATION_EVERY} != 0)`;
  const resource = `map('service.name', service, 'service.version', version, 'deployment.environment.name', env)`;
  const dimensions = `map('span.name', span_name, 'span.kind', '${SPAN_METRICS.serverKind}', 'status.code', status_code,
        'http.route', route, 'http.request.method', method, 'http.response.status_code', toString(status))`;
  const groupBy = 'GROUP BY service, env, version, flush, span_name, status_code, route, method, status';
  return [
    `INSERT INTO otel_metrics_sum (ResourceAttributes, ServiceName, MetricName, MetricUnit, Attributes, StartTimeUnix, TimeUnix, Value, AggregationTemporality, IsMonotonic)
    SELECT ${resource}, service, '${SPAN_METRICS.calls}', '', ${dimensions}, flush, flush + INTERVAL 15 SECOND, count(), ${SPAN_METRICS.deltaTemporality}, true
    FROM ${requests}
    ${groupBy}`,
    `INSERT INTO otel_metrics_histogram (ResourceAttributes, ServiceName, MetricName, MetricUnit, Attributes, StartTimeUnix, TimeUnix, Count, Sum,
                                         BucketCounts, ExplicitBounds, Min, Max, AggregationTemporality)
    SELECT ${resource}, service, '${SPAN_METRICS.duration}', 'ms', ${dimensions}, flush, flush + INTERVAL 15 SECOND, count(), sum(ms),
        [${bucketCounts}], ${bounds}, min(ms), max(ms), ${SPAN_METRICS.deltaTemporality}
    FROM ${requests}
    ${groupBy}`,
  ];
}

/** Node.js runtime gauges every minute for three instances: event loop delay, V8 heap per space and limit, RSS. */
export function runtimeGaugesSql(options: GenerateOptions): string {
  const days = options.days ?? 7;
  const minutes = days * 24 * 60;
  const startMs = options.nowMs - days * DAY_MS;
  return `
INSERT INTO otel_metrics_gauge (ResourceAttributes, ServiceName, MetricName, MetricUnit, Attributes, StartTimeUnix, TimeUnix, Value)
SELECT map('service.name', service, 'service.version', '1.5.0', 'deployment.environment.name', 'production', 'service.instance.id', instance),
    service, m.1, m.2, m.4, t, t, m.3
FROM (
    SELECT number, intDiv(number, 3) AS minute, number % 3 AS i,
        ${sqlArray(['migration-service', 'migration-service', 'migration-worker'])}[i + 1] AS service,
        ${sqlArray(['migration-service-1', 'migration-service-2', 'migration-worker-1'])}[i + 1] AS instance,
        fromUnixTimestamp64Milli(toInt64(${startMs} + minute * 60000)) AS t,
        (0.5 + (cityHash64(number, 'h') % 100) / 1000) * 2147483648 AS used
    FROM numbers(${minutes * 3})
)
ARRAY JOIN [
    ('nodejs.eventloop.delay.p50', 's', 0.004 + (cityHash64(number, 1) % 100) / 50000, CAST(map(), 'Map(String, String)')),
    ('nodejs.eventloop.delay.p90', 's', 0.009 + (cityHash64(number, 2) % 100) / 25000, CAST(map(), 'Map(String, String)')),
    ('nodejs.eventloop.delay.p99', 's', 0.015 + (cityHash64(number, 3) % 100) / 10000, CAST(map(), 'Map(String, String)')),
    ('v8js.memory.heap.used', 'By', used * 0.2, map('v8js.heap.space.name', 'new_space')),
    ('v8js.memory.heap.used', 'By', used * 0.8, map('v8js.heap.space.name', 'old_space')),
    ('v8js.memory.heap.limit', 'By', 2147483648, CAST(map(), 'Map(String, String)')),
    ('process.memory.usage', 'By', used * 1.3, CAST(map(), 'Map(String, String)'))
] AS m`;
}

/** "5ms", "1s", "1500ms" -> milliseconds. */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m)$/.exec(String(text).trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms'];
}

/** The span_metrics connector's explicit buckets (ms) from the collector config text. */
export function collectorBucketsMs(yamlText: string): number[] {
  const config = parse(yamlText) as { connectors: { span_metrics: { histogram: { explicit: { buckets: string[] } } } } };
  return config.connectors.span_metrics.histogram.explicit.buckets.map(durationMs);
}
