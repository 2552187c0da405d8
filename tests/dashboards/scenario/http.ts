/**
 * HTTP traffic of the reference service: server spans per route with Prisma operation and database query
 * children, a deliberate error route every ten minutes with its classified error event, and the faults
 * that touch requests (error spike, slow database, refused database connections).
 */
import { HOUR, MINUTE, SERVICE, type ScenarioContext, type ScenarioRows } from './scenario.js';
import { hexId, logRow, seededRandom, spanRow, type Attributes } from './rows.js';

interface Route {
  method: string;
  route: string;
  path: string;
  perMinute: number;
  baseMs: number;
  prisma?: { model: string; method: string };
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    route: '/projects',
    path: '/projects',
    perMinute: 20,
    baseMs: 40,
    prisma: { model: 'MigrationProject', method: 'findMany' },
  },
  {
    method: 'GET',
    route: '/organisations',
    path: '/organisations',
    perMinute: 10,
    baseMs: 25,
    prisma: { model: 'Organisation', method: 'findMany' },
  },
  {
    method: 'GET',
    route: '/projects/:id',
    path: '/projects/8d3c1f52',
    perMinute: 10,
    baseMs: 60,
    prisma: { model: 'MigrationProject', method: 'findUnique' },
  },
  {
    method: 'POST',
    route: '/projects/:id/runs',
    path: '/projects/8d3c1f52/runs',
    perMinute: 3,
    baseMs: 120,
    prisma: { model: 'MigrationRun', method: 'create' },
  },
  { method: 'GET', route: '/health', path: '/health', perMinute: 5, baseMs: 3 },
];

export function httpTraffic(ctx: ScenarioContext): Partial<ScenarioRows> {
  const random = seededRandom(42);
  const spans: Record<string, unknown>[] = [];
  const logs: Record<string, unknown>[] = [];
  let n = 0;

  const request = (route: Route, start: number, opts: { fail?: string; dbExtraMs?: number; connectError?: boolean }) => {
    const id = `req-${n++}`;
    const traceId = hexId(id, 16);
    const serverId = hexId(`${id}-server`, 8);
    const dbMs = route.prisma ? route.baseMs * (0.4 + random() * 0.5) + (opts.dbExtraMs ?? 0) : 0;
    const duration = route.baseMs * (0.5 + random()) + dbMs;
    const failed = opts.fail !== undefined || opts.connectError;
    const attributes: Attributes = {
      'http.route': route.route,
      'http.request.method': route.method,
      'http.response.status_code': failed ? '500' : route.method === 'POST' ? '202' : '200',
      'url.path': route.path,
      'url.scheme': 'http',
    };
    spans.push(
      spanRow({
        resource: SERVICE,
        startMs: start,
        durationMs: duration,
        name: `${route.method} ${route.route}`,
        kind: 'Server',
        traceId,
        spanId: serverId,
        attributes,
        status: failed ? 'Error' : 'Unset',
        statusMessage: opts.fail ?? (opts.connectError ? 'connect ECONNREFUSED 10.0.0.5:5432' : ''),
      }),
    );
    if (opts.connectError) {
      spans.push(
        spanRow({
          resource: SERVICE,
          startMs: start + 1,
          durationMs: 5,
          name: 'pg-pool.connect',
          kind: 'Client',
          traceId,
          spanId: hexId(`${id}-connect`, 8),
          parentSpanId: serverId,
          attributes: { 'db.system.name': 'postgresql', 'server.address': '10.0.0.5', 'server.port': '5432' },
          status: 'Error',
          statusMessage: 'connect ECONNREFUSED 10.0.0.5:5432',
          scope: '@opentelemetry/instrumentation-pg',
        }),
      );
      return traceId;
    }
    if (route.prisma) {
      const opId = hexId(`${id}-prisma`, 8);
      const name = `${route.prisma.model}.${route.prisma.method}`;
      spans.push(
        spanRow({
          resource: SERVICE,
          startMs: start + 1,
          durationMs: dbMs,
          name: 'prisma:client:operation',
          kind: 'Internal',
          traceId,
          spanId: opId,
          parentSpanId: serverId,
          attributes: { method: route.prisma.method, model: route.prisma.model, name },
          scope: 'prisma',
        }),
        spanRow({
          resource: SERVICE,
          startMs: start + 2,
          durationMs: dbMs * 0.8,
          name: 'prisma:client:db_query',
          kind: 'Client',
          traceId,
          spanId: hexId(`${id}-db`, 8),
          parentSpanId: opId,
          attributes: { 'db.system.name': 'postgresql', 'db.query.text': `SELECT ... FROM "${route.prisma.model}"` },
          scope: 'prisma',
        }),
      );
    }
    return traceId;
  };

  for (let minute = 120; minute >= 1; minute--) {
    const minuteStart = ctx.now - minute * MINUTE;
    const recent = (m: number) => minute <= m;
    for (const route of ROUTES) {
      for (let k = 0; k < route.perMinute; k++) {
        const start = minuteStart + (k * MINUTE) / route.perMinute + random() * 500;
        const spike = ctx.has('errorSpike') && recent(6) && random() < 0.15;
        request(route, start, {
          ...(spike && { fail: 'Internal Server Error' }),
          ...(ctx.has('slowDatabase') && recent(8) && { dbExtraMs: 1500 + random() * 1500 }),
        });
      }
    }
    if (ctx.has('dbConnectionErrors') && recent(3)) {
      for (let k = 0; k < 2; k++) request(ROUTES[0] as Route, minuteStart + 10_000 + k * 20_000, { connectError: true });
    }
    // The demo error route, every ten minutes: a 500 and its classified error event.
    if (minute % 10 === 0) {
      const start = minuteStart + 30_000;
      const traceId = request({ method: 'GET', route: '/debug/error', path: '/debug/error', perMinute: 0, baseMs: 4 }, start, {
        fail: 'Intentional error from GET /debug/error (error capture demo)',
      });
      logs.push(
        errorEvent(start, traceId, minute, {
          fingerprint: 'debug-error-route',
          type: 'Error',
          message: 'Intentional error from GET /debug/error (error capture demo)',
          category: 'internal',
          severity: 'error',
          path: '/debug/error',
        }),
      );
    }
    // Validation and upstream errors users run into.
    if (minute % 7 === 0) {
      logs.push(
        errorEvent(minuteStart + 12_000, '', minute, {
          fingerprint: 'validation-target-org',
          type: 'ValidationError',
          message: 'targetOrgId: must differ from sourceOrgId',
          category: 'validation',
          severity: 'warning',
          path: '/projects',
          user: `user-${String((minute % 9) + 1).padStart(4, '0')}`,
        }),
      );
    }
    if (minute % 15 === 0) {
      logs.push(
        errorEvent(minuteStart + 45_000, '', minute, {
          fingerprint: 'salesforce-rate-limit',
          type: 'SalesforceApiError',
          message: 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded',
          category: 'external_api',
          severity: 'critical',
          path: '/projects/:id/runs',
          user: `user-${String((minute % 5) + 10).padStart(4, '0')}`,
        }),
      );
    }
  }
  return { spans, logs };
}

interface ErrorInput {
  fingerprint: string;
  type: string;
  message: string;
  category: string;
  severity: string;
  path: string;
  user?: string;
}

/** A classified error (EventName tc9.error). Errors older than an hour come from the previous release. */
function errorEvent(time: number, traceId: string, minutesAgo: number, e: ErrorInput): Record<string, unknown> {
  const resource = minutesAgo * MINUTE > HOUR ? { ...SERVICE, version: '1.3.2' } : SERVICE;
  return logRow({
    resource,
    timeMs: time,
    eventName: 'tc9.error',
    severity: 'ERROR',
    body: e.message,
    traceId,
    attributes: {
      'tc9.event.kind': 'error',
      'tc9.event.id': hexId(`${e.fingerprint}-${time}`, 16),
      'tc9.error.fingerprint': e.fingerprint,
      'tc9.error.category': e.category,
      'tc9.error.severity': e.severity,
      'exception.type': e.type,
      'exception.message': e.message,
      'url.path': e.path,
      ...(e.user && { 'user.id': e.user, 'session.id': hexId(`${e.user}-s`, 8) }),
    },
  });
}
