/**
 * The framework-neutral core of the browser-events endpoint (POST /v1/events): write-key
 * authentication, body size limit, rate limit, validation, enrichment (user agent, client address),
 * and emission as OpenTelemetry events. Adapters (express.ts, fastify.ts) translate requests and
 * responses only.
 *
 * Answers: 200 all accepted; 400 with the field of each rejected event (valid events of the same
 * batch are still accepted); 401 no valid write key; 413 body over the limit; 429 rate limited
 * (Retry-After); 405 / 415 wrong method or encoding; 500 when emitting failed (safe to resend:
 * event ids seen lately are dropped as duplicates).
 */
import { diag, type LoggerProvider } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { loadConfig, type Config } from '../config.js';
import type { IpMode } from '../privacy/ip.js';
import { offeredWriteKey, writeKeyMatcher } from './auth.js';
import { BodyTooLargeError, DEFAULT_BODY_LIMIT, readBody } from './body.js';
import { clientAddress } from './client-address.js';
import { corsHeaders } from './cors.js';
import { otelEmitter, type EmitEvent } from './emit.js';
import { RateLimiter, type RateLimit } from './rate-limit.js';
import { RecentIds } from './recent-ids.js';
import { createEventRedactor, type RedactEvent } from './redact.js';
import { parseEnvelope, validateEvents, type Rejection } from './schema.js';
import { parseUserAgent } from './user-agent.js';

/** Where the adapters mount the endpoint unless told otherwise. */
export const DEFAULT_INGEST_PATH = '/v1/events';

export interface IngestOptions {
  /** Supplies writeKeys, allowedOrigins and the IP mode not given below. Default: loadConfig(process.env). */
  config?: Config;
  /** Accepted write keys (default config.ingest.writeKeys, i.e. TC9_INGEST_WRITE_KEYS). */
  writeKeys?: readonly string[];
  /** Largest body in bytes. Default 512 KiB. */
  bodyLimit?: number;
  /** Token bucket per write key and client address; false turns it off. */
  rateLimit?: RateLimit | false;
  /** CORS origins (default config.ingest.allowedOrigins). */
  allowedOrigins?: readonly string[];
  /** What is kept of the client address (default config.privacy.ipMode). */
  ipMode?: IpMode;
  /** The LoggerProvider events go to. Default: the global one start() registered. */
  loggerProvider?: LoggerProvider;
  /** Replaces the emission step entirely (tests, other sinks). */
  emit?: EmitEvent;
  /** Redaction applied to each event before emission; default the rules of config.privacy when it redacts (the default), false for none. */
  redact?: RedactEvent | false;
}

export interface IngestRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** As the framework resolved it (trust-proxy settings apply there). */
  clientAddress: string | undefined;
  /** The unread body stream, its text, or what a body parser already made of it. */
  body: { stream: Readable } | { text: string } | { parsed: unknown };
}

export type IngestReply =
  | { accepted: number; duplicates: number; rejected: Rejection[] }
  | { error: string; accepted?: number; duplicates?: number; rejected?: Rejection[]; retryAfterSeconds?: number };

export interface IngestResponse {
  status: number;
  headers: Record<string, string>;
  body?: IngestReply;
}

export interface IngestHandler {
  handle(request: IngestRequest): Promise<IngestResponse>;
  readonly bodyLimit: number;
}

export function createIngestHandler(options: IngestOptions = {}): IngestHandler {
  const config = options.config ?? loadConfig(process.env);
  const matchKey = writeKeyMatcher(options.writeKeys ?? config.ingest.writeKeys);
  const allowedOrigins = options.allowedOrigins ?? config.ingest.allowedOrigins;
  const ipMode = options.ipMode ?? config.privacy.ipMode;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const limiter = options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit);
  const emit = options.emit ?? otelEmitter(options.loggerProvider);
  const redact = options.redact ?? (config.privacy.redact ? createEventRedactor(config.privacy) : false);
  const seen = new RecentIds();

  async function handle(request: IngestRequest): Promise<IngestResponse> {
    const method = request.method.toUpperCase();
    const cors = corsHeaders(allowedOrigins, request.headers, method === 'OPTIONS');
    const reply = (status: number, body?: IngestReply, headers: Record<string, string> = {}): IngestResponse => ({
      status,
      headers: { ...cors, ...headers },
      ...(body ? { body } : {}),
    });

    if (method === 'OPTIONS') return reply(204);
    if (method !== 'POST') return reply(405, { error: 'method not allowed: use POST' }, { allow: 'POST, OPTIONS' });
    const encoding = request.headers['content-encoding'];
    if (encoding && encoding !== 'identity') return reply(415, { error: `content-encoding ${encoding} is not supported: send identity` });

    let body: unknown;
    try {
      body = await bodyOf(request, bodyLimit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return reply(413, { error: error.message }, { connection: 'close' });
      if (error instanceof SyntaxError) return reply(400, { error: `body: not valid JSON (${error.message})` });
      throw error;
    }

    const bodyKey = typeof body === 'object' && body !== null ? (body as { writeKey?: unknown }).writeKey : undefined;
    const writeKey = matchKey(offeredWriteKey(request.headers, typeof bodyKey === 'string' ? bodyKey : undefined));
    // Limited before the key check too, so guessing keys is as slow as sending events.
    if (limiter) {
      const decision = limiter.take(`${writeKey ?? ''}\u0000${request.clientAddress ?? ''}`);
      if (!decision.allowed) {
        const retryAfter = String(decision.retryAfterSeconds);
        return reply(429, { error: 'rate limit exceeded', retryAfterSeconds: decision.retryAfterSeconds }, { 'retry-after': retryAfter });
      }
    }
    if (!writeKey) {
      // A scheme of our own: "Basic" would make browsers show a login dialog.
      return reply(
        401,
        { error: 'missing or unknown write key: send it in the x-write-key header' },
        { 'www-authenticate': 'WriteKey realm="tc9-ingest"' },
      );
    }

    const envelope = parseEnvelope(body);
    if (!envelope.ok) return reply(400, { error: envelope.errors.join('; ') });
    const { valid, rejected } = validateEvents(envelope.envelope.batch);

    const receivedAt = new Date();
    const skewMs = envelope.envelope.sentAt ? receivedAt.getTime() - Date.parse(envelope.envelope.sentAt) : 0;
    const userAgent = firstHeader(request.headers['user-agent']);
    const client = parseUserAgent(userAgent);
    const address = clientAddress(request.clientAddress, ipMode);
    let accepted = 0;
    let duplicates = 0;
    let failed = 0;
    for (const { event } of valid) {
      if (seen.has(event.id)) {
        duplicates++;
        continue;
      }
      const timestamp = new Date(Math.min(Date.parse(event.timestamp) + skewMs, receivedAt.getTime()));
      try {
        emit({
          event: redact ? redact(event) : event,
          timestamp,
          receivedAt,
          client,
          ...(userAgent ? { userAgent } : {}),
          ...(address ? { clientAddress: address } : {}),
        });
        seen.add(event.id);
        accepted++;
      } catch (error) {
        failed++;
        diag.error('tc9-observability ingest: could not emit a browser event', error);
      }
    }
    // Our failure, not the client's: a 5xx makes the tracker resend, and what did get through is then a duplicate.
    if (failed > 0)
      return reply(500, { error: `${failed} events could not be recorded; send the batch again`, accepted, duplicates, rejected });
    if (rejected.length === 0) return reply(200, { accepted, duplicates, rejected });
    const errors = rejected.flatMap((r) => r.errors);
    const summary = `${rejected.length} of ${envelope.envelope.batch.length} events rejected: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? '; ...' : ''}`;
    return reply(400, { error: summary, accepted, duplicates, rejected });
  }

  return { handle, bodyLimit };
}

async function bodyOf(request: IngestRequest, limit: number): Promise<unknown> {
  const { body } = request;
  if ('parsed' in body) {
    // A framework's parser (e.g. express.text()) may hand over text; anything else is taken as is.
    return typeof body.parsed === 'string' ? parseJson(body.parsed, limit) : body.parsed;
  }
  const text = 'text' in body ? body.text : await readBody(body.stream, limit, firstHeader(request.headers['content-length']));
  return parseJson(text, limit);
}

function parseJson(text: string, limit: number): unknown {
  if (Buffer.byteLength(text) > limit) throw new BodyTooLargeError(limit);
  return JSON.parse(text) as unknown;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
