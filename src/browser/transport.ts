/**
 * Sending batches: fetch with keepalive normally (headers, a status to act on), navigator.sendBeacon
 * when the page is going away (the browser delivers it after unload, but it carries no headers and
 * reports nothing back). Both are capped near 64 KiB per request by browsers, hence chunkBySize.
 */
import { SESSION_HEADER, WRITE_KEY_HEADER } from './names.js';
import type { EventBatch, TrackedEvent } from './event.js';

/** Below the 64 KiB browsers allow for keepalive and beacon bodies, leaving room for the envelope. */
export const MAX_REQUEST_BYTES = 60_000;

export type SendOutcome =
  | { kind: 'sent' }
  /** The server refused the batch or the key: sending it again would not help. */
  | { kind: 'rejected'; status: number }
  | { kind: 'retry'; retryAfterMs?: number };

export interface Endpoint {
  url: string;
  writeKey: string;
}

const encoder = new TextEncoder();
const byteLength = (s: string) => encoder.encode(s).length;

/**
 * Splits events into groups whose JSON stays under maxBytes. An event too large on its own cannot
 * be sent by any transport; it is returned in `oversized` for the caller to count.
 */
export function chunkBySize(events: TrackedEvent[], maxBytes = MAX_REQUEST_BYTES): { chunks: TrackedEvent[][]; oversized: TrackedEvent[] } {
  const chunks: TrackedEvent[][] = [];
  const oversized: TrackedEvent[] = [];
  let chunk: TrackedEvent[] = [];
  let size = 0;
  for (const event of events) {
    const n = byteLength(JSON.stringify(event)) + 1;
    if (n > maxBytes) {
      oversized.push(event);
      continue;
    }
    if (size + n > maxBytes && chunk.length > 0) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(event);
    size += n;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return { chunks, oversized };
}

export async function sendWithFetch(endpoint: Endpoint, batch: EventBatch, sessionId: string): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      headers: { 'content-type': 'application/json', [WRITE_KEY_HEADER]: endpoint.writeKey, [SESSION_HEADER]: sessionId },
      body: JSON.stringify(batch),
    });
  } catch {
    return { kind: 'retry' }; // offline, DNS, CORS or a blocked request: all look alike from here
  }
  if (response.ok) return { kind: 'sent' };
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    return { kind: 'retry', retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  }
  return { kind: 'rejected', status: response.status };
}

/** True when the browser took the beacon; it says nothing about delivery. */
export function sendWithBeacon(endpoint: Endpoint, batch: EventBatch): boolean {
  if (typeof navigator === 'undefined' || typeof navigator.sendBeacon !== 'function') return false;
  // text/plain keeps the beacon a CORS "simple" request: no preflight, which a page being unloaded could not wait for.
  const body = new Blob([JSON.stringify({ ...batch, writeKey: endpoint.writeKey })], { type: 'text/plain;charset=UTF-8' });
  try {
    return navigator.sendBeacon(endpoint.url, body);
  } catch {
    return false;
  }
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: half fixed, half random, so clients that failed together spread out. */
export function backoffMs(attempt: number, baseMs = 1000, maxMs = 60_000, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}
