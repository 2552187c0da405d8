/**
 * Benchmark 1: what the layer costs an HTTP service. The reference migration service runs three times, each in
 * its own process on the same throwaway database: bare (`node server.js`), observed (`node --import
 * dist/src/register.js server.js`, default settings, exporting OTLP to a local sink and Sentry events to
 * another), and observed with nothing sampled and no Sentry (the cost no setting removes). autocannon loads
 * GET /projects (Prisma: findMany with includes plus a groupBy) on one variant at a time, in alternating order
 * so drift in the machine's load hits all alike; response times are pooled per variant across rounds. Besides
 * throughput, the CPU time each service process used per request: on a machine shared with other work it
 * moves far less than throughput, which also counts the time spent waiting.
 */
import type { Benchmark } from './benchmark.js';
import { load, type LoadResult } from './load.js';
import { createThrowawayDatabase, serverVersion } from './postgres.js';
import { goals } from './report.js';
import { cpuTimeMs, seedProjects, startService, type ServiceProcess } from './service.js';
import { startSink, type Sink } from './sinks.js';
import { percentile, round } from './stats.js';

const ROUTE = '/projects';
const PROJECTS = 20;
const CONNECTIONS = 10;

interface Pooled {
  requests: number;
  seconds: number;
  latencies: number[];
  non2xx: number;
  errors: number;
  perRound: number[];
  /** CPU time of the service process during the rounds, ms (user, system). */
  cpuUser: number;
  cpuSystem: number;
}

const empty = (): Pooled => ({ requests: 0, seconds: 0, latencies: [], non2xx: 0, errors: 0, perRound: [], cpuUser: 0, cpuSystem: 0 });

/** Runs one round on a service, with the CPU time its process used meanwhile. */
async function measuredLoad(
  service: ServiceProcess,
  seconds: number,
): Promise<{ result: LoadResult; cpu: { user: number; system: number } }> {
  const before = cpuTimeMs(service.pid);
  const result = await load({ url: `${service.url}${ROUTE}`, seconds, connections: CONNECTIONS });
  const after = cpuTimeMs(service.pid);
  if (!before || !after) throw new Error(`${service.label}: process gone during the round`);
  return { result, cpu: { user: after.user - before.user, system: after.system - before.system } };
}

function add(pool: Pooled, r: LoadResult, cpu: { user: number; system: number }): void {
  pool.cpuUser += cpu.user;
  pool.cpuSystem += cpu.system;
  pool.requests += r.requests;
  pool.seconds += r.seconds;
  for (const l of r.latencies) pool.latencies.push(l);
  pool.non2xx += r.non2xx;
  pool.errors += r.errors;
  pool.perRound.push(Math.round(r.requests / r.seconds));
}

/** Spans one request produces, by instrumentation scope: a few sequential requests, counted at the sink. */
async function spansPerRequest(service: ServiceProcess, sink: Sink): Promise<{ perRequest: number; byScope: string }> {
  const requests = 20;
  sink.spansByScope.clear();
  sink.countSpans = true;
  for (let i = 0; i < requests; i++) await (await fetch(`${service.url}${ROUTE}`)).arrayBuffer();
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  sink.countSpans = false;
  const scopes = [...sink.spansByScope].sort((a, b) => b[1] - a[1]);
  const total = scopes.reduce((n, [, c]) => n + c, 0);
  return { perRequest: total / requests, byScope: scopes.map(([scope, c]) => `${scope} ${(c / requests).toFixed(1)}`).join(', ') };
}

export const httpOverhead: Benchmark = {
  name: 'http',
  title: 'HTTP overhead on the reference service',
  async run({ quick, log }) {
    const warmSeconds = quick ? 2 : 5;
    const roundSeconds = quick ? 4 : 10;
    const rounds = quick ? 2 : 4;
    const db = await createThrowawayDatabase();
    const sink = await startSink();
    const services: ServiceProcess[] = [];
    try {
      // One after the other: both apply the schema at startup.
      const bare = await startService({ label: 'without the layer', instrument: false, databaseUrl: db.url });
      services.push(bare);
      const otlp = { OTEL_SERVICE_NAME: 'migration-service', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
      const observed = await startService({
        label: 'with the layer',
        instrument: true,
        databaseUrl: db.url,
        env: { ...otlp, SENTRY_DSN: `http://public@127.0.0.1:${sink.port}/1` },
      });
      services.push(observed);
      // The part of the cost that no setting removes: every instrumentation wraps its library, but nothing is
      // sampled (so no span is recorded or exported) and there is no Sentry.
      const unsampled = await startService({
        label: 'with the layer, nothing sampled, no Sentry',
        instrument: true,
        databaseUrl: db.url,
        env: { ...otlp, OTEL_TRACES_SAMPLER: 'always_off' },
      });
      services.push(unsampled);
      await seedProjects(bare.url, PROJECTS);

      log(`http: warm-up ${warmSeconds} s each`);
      for (const s of services) await load({ url: `${s.url}${ROUTE}`, seconds: warmSeconds, connections: CONNECTIONS });

      const pools = new Map<ServiceProcess, Pooled>(services.map((s) => [s, empty()]));
      for (let round = 0; round < rounds; round++) {
        // A B C, then C B A: no variant always runs right after another.
        for (const s of round % 2 === 0 ? services : [...services].reverse()) {
          const { result: r, cpu } = await measuredLoad(s, roundSeconds);
          add(pools.get(s)!, r, cpu);
          const usPerRequest = ((cpu.user + cpu.system) * 1000) / Math.max(1, r.requests);
          log(
            `http: round ${round + 1}/${rounds} ${s.label}: ${Math.round(r.requests / r.seconds)} req/s, ${Math.round(usPerRequest)} µs CPU/request`,
          );
        }
      }
      // Let the batch span processor's 5 s schedule export what the last round produced.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const traceRequests = sink.total('/v1/traces');
      const traceBytes = sink.bytes;
      const spans = await spansPerRequest(observed, sink);

      const a = pools.get(bare)!;
      const b = pools.get(observed)!;
      const c = pools.get(unsampled)!;
      const rps = (p: Pooled) => p.requests / p.seconds;
      const cpuPerRequest = (p: Pooled) => ((p.cpuUser + p.cpuSystem) * 1000) / p.requests;
      const userPerRequest = (p: Pooled) => (p.cpuUser * 1000) / p.requests;
      const figures = [
        {
          name: `throughput, GET ${ROUTE}`,
          value: rps(b),
          unit: 'req/s',
          baseline: rps(a),
          baselineName: 'without the layer',
          goal: goals.min('ratio', 0.98, 'loss <= 2% (ratio >= 0.98)'),
        },
        {
          name: 'latency p50',
          value: percentile(b.latencies, 50),
          unit: 'ms',
          baseline: percentile(a.latencies, 50),
          baselineName: 'without the layer',
        },
        {
          name: 'latency p99',
          value: percentile(b.latencies, 99),
          unit: 'ms',
          baseline: percentile(a.latencies, 99),
          baselineName: 'without the layer',
          goal: goals.max('ratio', 1.05, 'increase <= 5% (ratio <= 1.05)'),
        },
        {
          name: 'CPU time per request (service process)',
          value: cpuPerRequest(b),
          unit: 'µs',
          baseline: cpuPerRequest(a),
          baselineName: 'without the layer',
        },
        {
          name: 'CPU time per request, nothing sampled and no Sentry',
          value: cpuPerRequest(c),
          unit: 'µs',
          baseline: cpuPerRequest(a),
          baselineName: 'without the layer',
        },
        {
          name: `throughput, GET ${ROUTE}, nothing sampled and no Sentry`,
          value: rps(c),
          unit: 'req/s',
          baseline: rps(a),
          baselineName: 'without the layer',
        },
      ];
      const notes = [
        `GET ${ROUTE} listing ${PROJECTS} projects (Prisma findMany with two includes, plus a groupBy) on ${await serverVersion()}; autocannon, ${CONNECTIONS} connections, from the bench process.`,
        `Warm-up ${warmSeconds} s per variant, then ${rounds} rounds of ${roundSeconds} s, variants alternating (A B C C B A ...); percentiles over all response times of a variant (${a.latencies.length.toLocaleString('en-US')} without, ${b.latencies.length.toLocaleString('en-US')} with).`,
        `Throughput per round, without: ${a.perRound.join(', ')} req/s; with: ${b.perRound.join(', ')} req/s; nothing sampled, no Sentry: ${c.perRound.join(', ')} req/s.`,
        `Nothing sampled and no Sentry (OTEL_TRACES_SAMPLER=always_off, no SENTRY_DSN; the same instrumentations, context manager and metrics): ${Math.round(cpuPerRequest(c))} µs of CPU per request, ${Math.round(cpuPerRequest(c) - cpuPerRequest(a))} µs above the service without the layer. That part is the libraries' wrappers and OTel's async context, which no setting of the layer removes; the rest (${Math.round(cpuPerRequest(b) - cpuPerRequest(c))} µs) is recording and exporting the spans, and Sentry.`,
        `CPU time of the service process per request (user + system, /proc/<pid>/stat over the rounds): without ${Math.round(cpuPerRequest(a))} µs (user ${Math.round(userPerRequest(a))}), with ${Math.round(cpuPerRequest(b))} µs (user ${Math.round(userPerRequest(b))}); the layer adds ${Math.round(cpuPerRequest(b) - cpuPerRequest(a))} µs per request.`,
        `p50/p90/p99/max without: ${[50, 90, 99, 100].map((p) => round(percentile(a.latencies, p), 2)).join(' / ')} ms; with: ${[50, 90, 99, 100].map((p) => round(percentile(b.latencies, p), 2)).join(' / ')} ms.`,
        `With the layer: default settings (all default auto-instrumentations, no prisma:client:db_query spans, routine pg-pool.connect spans not exported, no pg db.client.* metrics, no Sentry request sessions; batch span processor 5 s / 512, metrics every 60 s), OTLP/HTTP to a local sink that answers 200 and discards; during the measurement it received, from both services with the layer (the one sampling nothing sends no traces), ${traceRequests} trace requests (${(traceBytes / 1024 / 1024).toFixed(1)} MB), ${sink.total('/v1/metrics')} metric and ${sink.total('/v1/logs')} log requests, and ${sink.total('/api/')} Sentry requests.`,
        `Spans per GET ${ROUTE} request with the layer: ${spans.perRequest.toFixed(1)} (${spans.byScope}).`,
        `Non-2xx responses: ${a.non2xx} without, ${b.non2xx} with, ${c.non2xx} nothing sampled; socket errors/timeouts: ${a.errors} without, ${b.errors} with, ${c.errors} nothing sampled.`,
        'Two cores shared by the service, PostgreSQL and autocannon: exporting competes with serving for CPU here, which a dedicated collector host would not.',
      ];
      return { figures, notes };
    } finally {
      for (const s of services) await s.stop();
      await sink.close();
      await db.drop();
    }
  },
};
