/**
 * The privacy processors in a real SDK pipeline exporting over OTLP/HTTP to a local receiver: a corpus
 * of personal data and secrets put into spans, span events, URLs, SQL, event properties, contexts,
 * bodies and error messages never reaches the wire in clear.
 */
import { SpanKind, trace, type Context } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { SimpleLogRecordProcessor, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { track } from '../../src/analytics/index.js';
import { loadConfig } from '../../src/config.js';
import { captureError } from '../../src/errors/index.js';
import { createPrivacyProcessors, type PrivacyProcessors } from '../../src/sdk/processors/privacy.js';
import { ATTR } from '../../src/semconv.js';
import { installInMemoryOtel, type InMemoryOtel } from '../helpers/in-memory-otel.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.dGhpc2lzYXNpZ25hdHVyZWZvcnRlc3Rpbmc';
const CORPUS = {
  email: 'alice.liddell@wonderland.example',
  email2: 'bob+billing@corp.example.org',
  jwt: JWT,
  password: 'Tr0ub4dor&3',
  token: 'tok_9f8e7d6c5b4a',
  apiKey: 'sk_live_51HxYzAbCdEf',
  card: '4242 4242 4242 4242',
  card2: '5555555555554444',
  ip: '198.51.100.23',
  pepper: 'pepper-for-tests',
  userId: 'user-1234',
};
const SECRETS = [
  CORPUS.email,
  CORPUS.email2,
  CORPUS.jwt,
  CORPUS.password,
  'Tr0ub4dor',
  CORPUS.token,
  CORPUS.apiKey,
  CORPUS.card,
  CORPUS.card2,
  '4242424242424242',
  CORPUS.ip,
  CORPUS.userId,
];

class Both implements LogRecordProcessor {
  constructor(private readonly processors: LogRecordProcessor[]) {}
  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    for (const p of this.processors) p.onEmit(record, context);
  }
  forceFlush = () => Promise.all(this.processors.map((p) => p.forceFlush())).then(() => undefined);
  shutdown = () => Promise.all(this.processors.map((p) => p.shutdown())).then(() => undefined);
}

let otlp: OtlpReceiver;
let otel: InMemoryOtel;
let privacy: PrivacyProcessors;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  const config = loadConfig({ TC9_PSEUDONYMIZE_KEY: CORPUS.pepper, TC9_PRIVACY_DENY_KEYS: 'mothers_maiden_name' });
  privacy = createPrivacyProcessors(config.privacy);
  otel = installInMemoryOtel({
    spanProcessors: [privacy.spanProcessor, new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${otlp.url}/v1/traces` }) })],
    wrapLogRecordProcessor: (inMemory) =>
      privacy.wrapLogRecordProcessor(
        new Both([inMemory, new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${otlp.url}/v1/logs` }) })]),
      ),
  });
  privacy.consent.set(CORPUS.userId, true);

  const tracer = trace.getTracer('test');
  tracer.startActiveSpan(
    `GET /reset?token=${CORPUS.token}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'url.full': `https://app.example/reset?token=${CORPUS.token}&password=${encodeURIComponent(CORPUS.password)}&lang=en`,
        'url.query': `token=${CORPUS.token}&sig=${CORPUS.apiKey}`,
        'http.target': `/cb?access_token=${CORPUS.jwt}`,
        'http.request.header.authorization': [`Bearer ${CORPUS.jwt}`],
        'http.request.header.cookie': [`session=${CORPUS.token}`],
        'client.address': CORPUS.ip,
        'user.id': CORPUS.userId,
        'enduser.email': CORPUS.email,
        'tc9.prop.mothers_maiden_name': 'Smith',
      },
    },
    (span) => {
      tracer.startActiveSpan(
        'pg.query',
        {
          attributes: {
            'db.query.text': `UPDATE users SET password = '${CORPUS.password}', api_key = '${CORPUS.apiKey}' WHERE email = '${CORPUS.email2}'`,
          },
        },
        (db) => db.end(),
      );
      span.recordException(new Error(`payment ${CORPUS.card} for ${CORPUS.email} declined`));
      track({
        name: 'checkout.failed',
        userId: CORPUS.userId,
        sessionId: 's-1',
        properties: {
          contact: CORPUS.email2,
          card: CORPUS.card2,
          note: `jwt ${CORPUS.jwt}`,
          password: CORPUS.password,
          nested: { apiKey: CORPUS.apiKey },
        },
        context: {
          url: `https://app.example/checkout?token=${CORPUS.token}`,
          referrer: `https://mail.example/?to=${encodeURIComponent(CORPUS.email)}`,
        },
      });
      captureError(new Error(`could not charge ${CORPUS.card} of ${CORPUS.email}`), {
        userId: CORPUS.userId,
        extra: { apiKey: CORPUS.apiKey },
      });
      span.setStatus({ code: 2, message: `user ${CORPUS.email} locked out` });
      span.end();
    },
  );
});
afterAll(async () => {
  await otel.uninstall();
  await otlp.close();
});

describe('a PII corpus through the real pipeline', () => {
  it('never reaches the exported spans and log records in clear', async () => {
    const spans = await otlp.waitForSpans((s) => (s.length >= 2 ? s : undefined));
    const logs = await otlp.waitForLogs((l) => (l.length >= 2 ? l : undefined));
    const wire = JSON.stringify({ spans, logs });
    for (const secret of SECRETS) expect(wire, `leaked: ${secret}`).not.toContain(secret);
    expect(wire).not.toContain(encodeURIComponent(CORPUS.password));
  });

  it('keeps what is not secret, and says where something was removed', async () => {
    const spans = await otlp.waitForSpans((s) => (s.length >= 2 ? s : undefined));
    const server = spans.find((s) => s.kind === 'SERVER')!;
    expect(server.name).toBe('GET /reset?token=[redacted]');
    expect(server.attributes['url.full']).toBe('https://app.example/reset?token=[redacted]&password=[redacted]&lang=en');
    expect(server.attributes['client.address']).toBe('198.51.100.0');
    expect(server.attributes['http.request.header.authorization']).toBe('[redacted]');
    expect(server.attributes['tc9.prop.mothers_maiden_name']).toBe('[redacted]');
    expect(server.attributes['enduser.email']).toBe('[email]');
    expect(server.status.message).toBe('user [email] locked out');
    expect(server.events[0]!.attributes['exception.message']).toBe('payment [card] for [email] declined');
    const pseudonym = createHmac('sha256', CORPUS.pepper).update(CORPUS.userId).digest('hex').slice(0, 32);
    expect(server.attributes['user.id']).toBe(pseudonym);

    const logs = await otlp.waitForLogs((l) => (l.length >= 2 ? l : undefined));
    const event = logs.find((l) => l.eventName === 'checkout.failed')!;
    expect(event.attributes[ATTR.userId]).toBe(pseudonym);
    expect(event.attributes[ATTR.consent]).toBe('granted');
    expect(event.attributes['tc9.prop.card']).toBe('[card]');
    expect(event.attributes['tc9.prop.password']).toBe('[redacted]');
    expect(event.attributes['tc9.prop.nested']).toBe('{"apiKey":"[redacted]"}');
    expect(event.attributes['tc9.ctx.url']).toBe('https://app.example/checkout?token=[redacted]');
    expect(event.traceId).toBe(server.traceId);
    const error = logs.find((l) => l.eventName === 'tc9.error')!;
    expect(error.body).toBe('could not charge [card] of [email]');
    expect(error.attributes[ATTR.errorFingerprint]).toMatch(/^[0-9a-f]{32}$/);
  });
});
