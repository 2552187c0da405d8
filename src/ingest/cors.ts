/**
 * CORS for pages on other origins. The tracker's fetch sends custom headers (x-write-key,
 * x-session-id), so cross-origin it is preflighted; sendBeacon sends text/plain, a simple request.
 */
import type { IncomingHttpHeaders } from 'node:http';

const ALLOWED_HEADERS = 'content-type, x-write-key, x-session-id, authorization';

export function corsHeaders(allowedOrigins: readonly string[], headers: IncomingHttpHeaders, preflight: boolean): Record<string, string> {
  const origin = headers.origin;
  if (!origin || allowedOrigins.length === 0) return {};
  const any = allowedOrigins.includes('*');
  if (!any && !allowedOrigins.includes(origin)) return {};
  // Echoing the origin (not '*') keeps beacons working: they are sent with credentials.
  const out: Record<string, string> = { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
  if (preflight) {
    out['access-control-allow-methods'] = 'POST, OPTIONS';
    out['access-control-allow-headers'] = ALLOWED_HEADERS;
    out['access-control-max-age'] = '600';
  }
  return out;
}
