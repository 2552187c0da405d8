/** Browser, OS and device type from the User-Agent header (ua-parser-js), cached: a site sees few distinct ones. */
import { UAParser } from 'ua-parser-js';

export interface Client {
  browserName?: string;
  osName?: string;
  /** ua-parser's type (mobile, tablet, smarttv, ...) or 'desktop' when it names none. */
  deviceType?: string;
}

const MAX_CACHED = 1000;
const MAX_UA_LENGTH = 512;
const cache = new Map<string, Client>();

export function parseUserAgent(userAgent: string | undefined): Client {
  if (!userAgent) return {};
  const ua = userAgent.slice(0, MAX_UA_LENGTH);
  const hit = cache.get(ua);
  if (hit) return hit;
  const r = UAParser(ua);
  const client: Client = { deviceType: r.device.type ?? 'desktop' };
  if (r.browser.name) client.browserName = r.browser.name;
  if (r.os.name) client.osName = r.os.name;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(ua, client);
  return client;
}
