/**
 * Traces to Sentry through the real collector: the reference migration service (under `node --import register`)
 * exports OTLP to our collector build (collector/dist/tc9-otelcol) running our otel-collector-config.yaml, whose
 * traces/sentry pipeline tail-samples and sends protobuf+gzip to a local stand-in of Sentry's OTLP intake.
 * ClickHouse is nowhere (a closed port): its exporter retries in the background, the pipelines still run.
 *
 * Every request carries a traceparent with a trace id the test chose, so the test knows which trace each
 * request is and can say exactly which ones must, must not, or may arrive:
 *   - every trace with an error arrives (status_code policy),
 *   - no /health trace arrives (drop policy, even though the baseline share would otherwise keep some),
 *   - of plain fast requests, the share that arrives is SENTRY_TRACES_SAMPLE_PERCENT within binomial bounds,
 *   - with the SDK's redaction off (TC9_PRIVACY_REDACT=false), a PII corpus the apps put in span attributes,
 *     names, status messages, exception events and query strings does not reach Sentry in clear.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startSentryOtlpReceiver, type SentryOtlpReceiver } from '../helpers/sentry-otlp-receiver.js';
import { INDEX, REGISTER, REPO, startApp, type ChildApp } from '../sdk/child-app.js';

const SAMPLE_PERCENT = 25;
const BASELINE = 300;
const HEALTH = 60;
const ERRORS = 30;

/** The secrets themselves: none of these strings may appear anywhere in what Sentry receives. */
const EMAIL = 'jane.doe@example.com';
const BEARER = 's3cr3tT0kenValue12345';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJlLXNlY3JldA';
const VISA = '4111 1111 1111 1111';
const MASTERCARD = '5500-0000-0000-0004';
const QUERY_TOKEN = 'qtok-SECRET-789';
const SECRETS = [EMAIL, 'jane.doe%40example.com', BEARER, JWT, VISA, '4111111111111111', MASTERCARD, QUERY_TOKEN];
/** How an app would carry them: free text with each kind of secret. */
const CORPUS = [
  `contact ${EMAIL}`,
  `Authorization: Bearer ${BEARER}`,
  `token ${JWT}`,
  `card ${VISA}`,
  `card ${MASTERCARD}`,
  `GET /reset?token=${QUERY_TOKEN}&lang=en`,
];

const newTraceId = () => randomBytes(16).toString('hex');
const traceparent = (traceId: string) => `00-${traceId}-${randomBytes(8).toString('hex')}-01`;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let sentry: SentryOtlpReceiver;
let collector: RunningCollector;
let service: ChildApp;

const sent = { baseline: [] as string[], health: [] as string[], errors: [] as string[], piiRequests: [] as string[] };
let piiSpanCount = 0;

async function get(path: string, traceId: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${service.url}${path}`, { headers: { traceparent: traceparent(traceId), ...headers } });
  await res.arrayBuffer();
  return res.status;
}

/** Runs `count` requests, `concurrency` at a time. */
async function many(count: number, concurrency: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

/** An app of its own (our SDK via --import register, redaction off) putting the corpus in every span field. */
async function runPiiApp(): Promise<void> {
  // The corpus comes in through the environment: in the code it would also be in process.command_args.
  const code = `
    import { trace, SpanStatusCode } from '@opentelemetry/api';
    import { shutdown } from ${JSON.stringify(INDEX)};
    const corpus = JSON.parse(process.env.PII_CORPUS);
    const tracer = trace.getTracer('pii-corpus');
    corpus.forEach((text, i) => {
      const span = tracer.startSpan('lookup ' + text, { attributes: { 'app.note': text, 'app.corpus_index': i, 'url.full': process.env.PII_URL } });
      span.recordException(new Error('failed for ' + text));
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed for ' + text });
      span.end();
    });
    await shutdown();
  `;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|SENTRY_|TC9_|NODE_OPTIONS$)/.test(k)));
  const child = spawn(process.execPath, ['--import', REGISTER, '--input-type=module', '-e', code], {
    cwd: REPO,
    env: {
      ...base,
      ...collector.env,
      OTEL_SERVICE_NAME: 'pii-corpus-app',
      TC9_PRIVACY_REDACT: 'false',
      PII_CORPUS: JSON.stringify(CORPUS),
      PII_URL: `https://api.example.com/reset?token=${QUERY_TOKEN}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code_ = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code_ !== 0) throw new Error(`PII corpus app exited ${code_}:\n${stderr}`);
  piiSpanCount = CORPUS.length;
}

beforeAll(async () => {
  db = await createTestDatabase('tc9_sentry_real');
  sentry = await startSentryOtlpReceiver();
  collector = await startCollector({
    env: {
      SENTRY_OTLP_TRACES_ENDPOINT: sentry.tracesEndpoint,
      SENTRY_PUBLIC_KEY: sentry.publicKey,
      SENTRY_TRACES_SAMPLE_PERCENT: String(SAMPLE_PERCENT),
      SENTRY_TRACES_DECISION_WAIT: '1s',
    },
  });
  service = await startApp(`${REPO}dist/examples/migration-service/server.js`, {
    env: {
      ...collector.env,
      DATABASE_URL: db.url,
      PORT: '0',
      OTEL_SERVICE_NAME: 'migration-service',
      TC9_PRIVACY_REDACT: 'false',
      // Room for every span of the burst below: a dropped server span would look like a sampling decision.
      OTEL_BSP_MAX_QUEUE_SIZE: '20000',
    },
  });

  // Warm-up without a traceparent of ours: the first requests (Prisma connecting) can be slower than the
  // slow-trace threshold, which would sample them for a reason this test does not count.
  for (let i = 0; i < 5; i++) await fetch(`${service.url}/projects`).then((r) => r.arrayBuffer());

  await many(BASELINE + HEALTH + ERRORS, 6, async (i) => {
    const traceId = newTraceId();
    if (i % 12 === 0 && sent.errors.length < ERRORS) {
      sent.errors.push(traceId);
      expect(await get('/debug/error', traceId)).toBe(500);
    } else if (i % 6 === 1 && sent.health.length < HEALTH) {
      sent.health.push(traceId);
      expect(await get('/health', traceId)).toBe(200);
    } else if (sent.baseline.length < BASELINE) {
      sent.baseline.push(traceId);
      expect(await get('/projects', traceId)).toBe(200);
    } else if (sent.errors.length < ERRORS) {
      sent.errors.push(traceId);
      expect(await get('/debug/error', traceId)).toBe(500);
    } else {
      sent.health.push(traceId);
      expect(await get('/health', traceId)).toBe(200);
    }
  });

  // PII in the query string and headers of failing requests (errors: sampled, so they do reach Sentry).
  for (const query of [
    `token=${QUERY_TOKEN}&email=${EMAIL}`,
    `email=${EMAIL}&token=${QUERY_TOKEN}`,
    `card=${VISA.replaceAll(' ', '')}&access_token=${JWT}`,
  ]) {
    const traceId = newTraceId();
    sent.piiRequests.push(traceId);
    expect(await get(`/debug/error?${query}`, traceId, { authorization: `Bearer ${BEARER}`, 'x-user-id': EMAIL })).toBe(500);
  }
  await runPiiApp();

  // A last error trace: decisions are taken in arrival order, so once it is at Sentry every earlier trace has
  // been decided; then wait for the exporter's batches in flight (5 s flush) to land.
  const last = newTraceId();
  sent.errors.push(last);
  expect(await get('/debug/error', last)).toBe(500);
  await sentry.waitForSpans((spans) => spans.some((s) => s.traceId === last), { timeoutMs: 60_000 });
  // Quiet for longer than the exporter's 5 s batch flush: nothing more is coming.
  for (let seen = -1; seen !== sentry.requests.length; ) {
    seen = sentry.requests.length;
    await new Promise((r) => setTimeout(r, 6_000));
  }
}, 150_000);

afterAll(async () => {
  await service?.stop();
  await collector?.close();
  await sentry?.close();
  await db?.drop();
});

const arrivedTraces = () => new Set(sentry.spans.map((s) => s.traceId));

describe('traces to Sentry through the real collector', () => {
  it('speaks Sentry OTLP: protobuf, gzip, the public key header, and nothing rejected', () => {
    expect(sentry.requests.length).toBeGreaterThan(0);
    expect(sentry.rejected).toBe(0);
    for (const r of sentry.requests) {
      expect(r).toMatchObject({ status: 200, contentEncoding: 'gzip' });
      expect(r.contentType).toMatch(/^application\/x-protobuf/);
    }
  });

  it('sends every trace with an error', () => {
    const arrived = arrivedTraces();
    const missing = [...sent.errors, ...sent.piiRequests].filter((id) => !arrived.has(id));
    expect(missing, `error traces missing at Sentry:\n${collector.output().slice(-3000)}`).toEqual([]);
    // Whole traces: the request's server span with its error status, not just a fragment.
    for (const id of sent.errors) {
      const server = sentry.spans.find((s) => s.traceId === id && s.attributes['http.route'] === '/debug/error');
      expect(server?.status.code, id).toBe(2);
    }
    expect(sentry.spans.filter((s) => s.resource['service.name'] === 'pii-corpus-app')).toHaveLength(piiSpanCount);
  });

  it('never sends a /health trace', () => {
    const arrived = arrivedTraces();
    expect(sent.health.length).toBe(HEALTH);
    expect(sent.health.filter((id) => arrived.has(id))).toEqual([]);
    expect(sentry.spans.filter((s) => s.attributes['http.route'] === '/health')).toEqual([]);
  });

  it(`sends ${SAMPLE_PERCENT}% of ordinary traces, within binomial bounds`, () => {
    const arrived = arrivedTraces();
    const n = sent.baseline.length;
    const k = sent.baseline.filter((id) => arrived.has(id)).length;
    // k ~ Binomial(n, p) (the probabilistic policy hashes random trace ids). Five standard deviations either
    // side: a correct sampler fails this about once in 1.7 million runs; all or nothing fails it by far.
    const p = SAMPLE_PERCENT / 100;
    const mean = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    expect(n).toBe(BASELINE);
    expect(k, `${k} of ${n} baseline traces arrived`).toBeGreaterThanOrEqual(Math.floor(mean - 5 * sd));
    expect(k, `${k} of ${n} baseline traces arrived`).toBeLessThanOrEqual(Math.ceil(mean + 5 * sd));
    // Sampled traces arrive whole (every span of the request), not span by span.
    for (const id of sent.baseline.filter((t) => arrived.has(t))) {
      expect(sentry.spans.some((s) => s.traceId === id && s.attributes['http.route'] === '/projects')).toBe(true);
    }
  });

  it('lets no e-mail, bearer token, JWT, card number or secret query value through in clear', () => {
    // The corpus did reach the collector unredacted and did arrive (as errors): otherwise this proves nothing.
    const pii = sentry.spans.filter((s) => s.resource['service.name'] === 'pii-corpus-app' || sent.piiRequests.includes(s.traceId));
    expect(pii.length).toBeGreaterThanOrEqual(CORPUS.length + sent.piiRequests.length);
    // Field by field, so a failure says where the secret was...
    const fields = sentry.spans.flatMap((s) => [
      ['name', s.name],
      ['status.message', s.status.message],
      ...Object.entries(s.attributes).map(([k, v]) => [`attributes.${k}`, JSON.stringify(v)]),
      ...s.events.flatMap((e) => Object.entries(e.attributes).map(([k, v]) => [`events.${e.name}.${k}`, JSON.stringify(v)])),
      ...Object.entries(s.resource).map(([k, v]) => [`resource.${k}`, JSON.stringify(v)]),
    ]);
    const leaks = fields.filter(([, v]) => SECRETS.some((secret) => v?.includes(secret))).map(([k, v]) => `${k}: ${v?.slice(0, 160)}`);
    expect([...new Set(leaks)]).toEqual([]);
    // ...and anywhere at all in the decoded requests (fields this test does not list).
    const everything = sentry.rawTexts.join('\n');
    expect(SECRETS.filter((secret) => everything.includes(secret))).toEqual([]);
    // Masked, not dropped: the spans keep their (redacted) fields.
    const named = pii.filter((s) => s.name.startsWith('lookup '));
    expect(named).toHaveLength(CORPUS.length);
    for (const s of named) expect(s.status.message).toMatch(/^failed for /);
  });
});
