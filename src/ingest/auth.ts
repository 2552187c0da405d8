/**
 * Write keys: public per-site keys the tracker sends, in the x-write-key header, as the user name of
 * Basic auth, or (sendBeacon, which cannot set headers) in the body. They say which site sent a batch
 * and let an operator cut one off; they are not secrets, so they authorise writing events only.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const WRITE_KEY_HEADER = 'x-write-key';

/** The key offered by a request: header first, then Basic auth, then the body's `writeKey`. */
export function offeredWriteKey(headers: IncomingHttpHeaders, bodyKey: string | undefined): string | undefined {
  const header = headers[WRITE_KEY_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  if (value) return value.trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const user = decoded.slice(0, decoded.includes(':') ? decoded.indexOf(':') : undefined);
    if (user) return user;
  }
  return bodyKey || undefined;
}

/** Compares in constant time, so response timing does not reveal how much of a guess was right. */
export function writeKeyMatcher(keys: readonly string[]): (offered: string | undefined) => string | undefined {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const known = keys.filter(Boolean).map((key) => ({ key, hash: digest(key) }));
  return (offered) => {
    if (!offered) return undefined;
    const hash = digest(offered);
    let match: string | undefined;
    for (const k of known) if (timingSafeEqual(k.hash, hash)) match = k.key;
    return match;
  };
}
