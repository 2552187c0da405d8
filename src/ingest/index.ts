/**
 * The browser-events endpoint: receives the tracker's batches (tc9-observability/browser) and emits
 * each event as the same OpenTelemetry event the server-side analytics API writes. Framework-free: mount it
 * with expressIngest() from tc9-observability/express or fastifyIngest() from tc9-observability/fastify, or
 * call createIngestHandler() from any server.
 */
export { createIngestHandler, DEFAULT_INGEST_PATH } from './handler.js';
export type { IngestHandler, IngestOptions, IngestReply, IngestRequest, IngestResponse } from './handler.js';
export { browserEventSchema, MAX_EVENTS_PER_BATCH } from './schema.js';
export type { BrowserEvent, Rejection } from './schema.js';
export { toLogRecord } from './to-log-record.js';
export type { IngestedEvent } from './to-log-record.js';
export type { EmitEvent } from './emit.js';
export { createEventRedactor, redactEvent } from './redact.js';
export type { RedactEvent } from './redact.js';
export type { RateLimit } from './rate-limit.js';
export { DEFAULT_BODY_LIMIT } from './body.js';
