/**
 * Which libraries are instrumented. Short names as in OTEL_NODE_ENABLED_INSTRUMENTATIONS /
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS: "http", "undici", "express", "pg", "runtime-node", ... (every
 * @opentelemetry/instrumentation-<name> that auto-instrumentations-node bundles), plus "fastify"
 * (@fastify/otel) and "prisma" (@prisma/instrumentation).
 */
import { createNoopMeter, type MeterProvider } from '@opentelemetry/api';
import { getNodeAutoInstrumentations, type InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import type { RequestOptions } from 'node:http';
import { ConfigError, type Config } from '../config.js';

type AutoName = keyof InstrumentationConfigMap extends infer K
  ? K extends `@opentelemetry/instrumentation-${infer N}`
    ? N
    : never
  : never;

// A Record over the bundle's names: the compiler complains when auto-instrumentations-node adds or drops one.
const AUTO: Record<AutoName, 'on' | 'off'> = {
  amqplib: 'on',
  'aws-lambda': 'on',
  'aws-sdk': 'on',
  bunyan: 'on',
  'cassandra-driver': 'on',
  connect: 'on',
  cucumber: 'on',
  dataloader: 'on',
  // One span per lookup / file operation / socket: noise for a web service, on request only.
  dns: 'off',
  express: 'on',
  fs: 'off',
  'generic-pool': 'on',
  graphql: 'on',
  grpc: 'on',
  hapi: 'on',
  // runtime-node already reports the process; host metrics belong to the collector's hostmetrics receiver.
  'host-metrics': 'off',
  http: 'on',
  ioredis: 'on',
  kafkajs: 'on',
  knex: 'on',
  koa: 'on',
  'lru-memoizer': 'on',
  memcached: 'on',
  mongodb: 'on',
  mongoose: 'on',
  mysql2: 'on',
  mysql: 'on',
  'nestjs-core': 'on',
  net: 'off',
  openai: 'on',
  oracledb: 'on',
  pg: 'on',
  pino: 'on',
  redis: 'on',
  restify: 'on',
  // Wraps the same router layers instrumentation-express already traces: one more span per middleware per
  // request, for nothing express does not show. On request for apps that use `router` without Express.
  router: 'off',
  'runtime-node': 'on',
  'socket.io': 'on',
  tedious: 'on',
  undici: 'on',
  winston: 'on',
};

const EXTRA = ['fastify', 'prisma'] as const;

/** Prisma's in-process steps around each query: two or three spans per operation that no panel reads. */
const PRISMA_INTERNAL_SPANS = ['prisma:client:serialize', 'prisma:client:compile'];
/**
 * One per SQL statement, beside the pg instrumentation's pg.query span of the same statement (same SQL, fewer
 * attributes). Ignored, it is not created at all, so pg.query becomes the child of prisma:client:operation.
 */
const PRISMA_QUERY_SPAN = 'prisma:client:db_query';

const NO_METRICS: MeterProvider = { getMeter: () => createNoopMeter() };

export const INSTRUMENTATION_NAMES: readonly string[] = [...Object.keys(AUTO), ...EXTRA].sort();

/** Whether each instrumentation runs, after the enabled (replaces the defaults) and disabled lists. */
export function selectInstrumentations({
  enabled,
  disabled,
}: Pick<Config['instrumentations'], 'enabled' | 'disabled'>): (name: string) => boolean {
  check('OTEL_NODE_ENABLED_INSTRUMENTATIONS', enabled ?? []);
  check('OTEL_NODE_DISABLED_INSTRUMENTATIONS', disabled);
  const byDefault = (name: string) => (AUTO as Record<string, string>)[name] !== 'off';
  return (name) => !disabled.includes(name) && (enabled ? enabled.includes(name) : byDefault(name));
}

function check(variable: string, names: string[]): void {
  const unknown = names.filter((n) => !INSTRUMENTATION_NAMES.includes(n));
  if (unknown.length) {
    throw new ConfigError(
      variable,
      names.join(','),
      `comma-separated instrumentation names (unknown: ${unknown.join(', ')}); known: ${INSTRUMENTATION_NAMES.join(', ')}`,
    );
  }
}

/** Sentry's own envelope POSTs (…/api/<project>/envelope/) would otherwise become client spans. */
export function sentryEnvelopeMatcher(dsn: string | undefined): (request: RequestOptions) => boolean {
  if (!dsn) return () => false;
  const host = new URL(dsn).hostname;
  return (request) => {
    const requestHost = request.hostname ?? request.host?.replace(/:\d+$/, '');
    return requestHost === host && /\/api\/\d+\/envelope\//.test(request.path ?? '');
  };
}

export function createInstrumentations(config: Config): Instrumentation[] {
  const isOn = selectInstrumentations(config.instrumentations);
  const auto: Record<string, { enabled: boolean } & Record<string, unknown>> = {};
  for (const name of Object.keys(AUTO)) auto[`@opentelemetry/instrumentation-${name}`] = { enabled: isOn(name) };
  auto['@opentelemetry/instrumentation-http'] = {
    enabled: isOn('http'),
    ignoreOutgoingRequestHook: sentryEnvelopeMatcher(config.sentry.dsn),
  };
  // Per request, the route handler span only (the server span gets http.route either way): a span per
  // middleware and router layer was a third of all spans and of the cost, and no panel reads them.
  // pg-pool.connect / pg.connect spans are still made: a refused connection fails only them (Prisma's spans
  // keep an OK status), and the database connection errors alert counts them. The routine, fast and
  // successful ones stay out of the export (src/sdk/span-filter.ts, TC9_PG_CONNECT_SPAN_MIN_MS).
  auto['@opentelemetry/instrumentation-express'] = { enabled: isOn('express'), ignoreLayersType: ['middleware', 'router'] };
  // Explicit `enabled` for every name also keeps the bundle from reading OTEL_NODE_*_INSTRUMENTATIONS itself.
  const list: Instrumentation[] = getNodeAutoInstrumentations(auto as InstrumentationConfigMap);
  if (!config.detail.dbClientMetrics) {
    // Pool gauges updated on every acquire and release plus a histogram per query (about 30 measurements
    // per request of the reference service), read by no dashboard: the span metrics cover query latency.
    const pg = list.find((i) => i.instrumentationName === '@opentelemetry/instrumentation-pg');
    if (pg) keepMetricsOff(pg);
  }
  // The two below are built against other @opentelemetry/instrumentation versions (0.222, 0.207); the
  // runtime contract (enable/disable/set*Provider) is the same, only the declared types differ.
  if (isOn('fastify')) list.push(new FastifyOtelInstrumentation({ registerOnInitialization: true }) as unknown as Instrumentation);
  if (isOn('prisma')) {
    const ignoreSpanTypes = config.detail.prismaQuerySpans ? PRISMA_INTERNAL_SPANS : [...PRISMA_INTERNAL_SPANS, PRISMA_QUERY_SPAN];
    list.push(new PrismaInstrumentation({ ignoreSpanTypes }) as unknown as Instrumentation);
  }
  return list;
}

/** The instrumentation records its metrics on a no-op meter, also after the SDK hands it the real provider. */
function keepMetricsOff(instrumentation: Instrumentation): void {
  instrumentation.setMeterProvider(NO_METRICS);
  instrumentation.setMeterProvider = () => {};
}
