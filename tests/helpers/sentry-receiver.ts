/**
 * A stand-in Sentry ingest for tests: accepts POST /api/<project>/envelope/ on 127.0.0.1 (port
 * chosen by the OS), gzip or not, and parses each envelope with @sentry/core's parseEnvelope.
 *
 *   const sentry = await startSentryReceiver();
 *   spawn('node', [...], { env: { SENTRY_DSN: sentry.dsn } });
 *   const [event] = await sentry.waitForItems('event', (events) => events);
 *   event.payload.contexts.trace.trace_id
 */
import { parseEnvelope } from '@sentry/core';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { waitFor, type WaitOptions } from './otlp-receiver.js';

export interface EnvelopeItem {
  /** "event", "check_in", "transaction", "span", "session", "sessions", "client_report", ... */
  type: string;
  header: Record<string, unknown>;
  /** Parsed JSON payload (an attachment's bytes stay a Uint8Array). */
  payload: SentryPayload;
}

// Event payloads as sent: the tests read contexts.trace.trace_id, exception.values, request, ...
// biome-ignore lint/suspicious/noExplicitAny: Sentry's payloads are read loosely, path by path, and the assertions check the values
export type SentryPayload = Record<string, any>;

export interface ReceivedEnvelope {
  project: string;
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

export interface SentryReceiver {
  /** DSN pointing here: http://public@127.0.0.1:<port>/1 */
  dsn: string;
  envelopes: ReceivedEnvelope[];
  /** All items of one type across envelopes, in arrival order. */
  items(type: string): EnvelopeItem[];
  waitForItems<T>(type: string, select: (items: EnvelopeItem[]) => T | undefined | false | null, options?: WaitOptions): Promise<T>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export async function startSentryReceiver(): Promise<SentryReceiver> {
  const envelopes: ReceivedEnvelope[] = [];
  const server = createServer((req, res) => {
    const match = /^\/api\/(\d+)\/envelope\/?(\?.*)?$/.exec(req.url ?? '');
    readBody(req)
      .then((body) => {
        if (req.method !== 'POST' || !match) {
          res.writeHead(404).end();
          return;
        }
        const [header, rawItems] = parseEnvelope(new Uint8Array(body));
        const items = rawItems.map(([itemHeader, payload]) => ({
          type: String(itemHeader.type),
          header: itemHeader as Record<string, unknown>,
          payload: payload as SentryPayload,
        }));
        envelopes.push({ project: match[1]!, header: header as Record<string, unknown>, items });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      })
      .catch((error: unknown) => {
        res.writeHead(400).end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const items = (type: string) => envelopes.flatMap((e) => e.items.filter((i) => i.type === type));

  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    items,
    waitForItems: (type, select, options) => waitFor(() => select(items(type)), { what: `Sentry ${type} items`, ...options }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
