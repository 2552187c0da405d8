/**
 * Redaction of what a page sent before it becomes telemetry: e-mail addresses, tokens and
 * credentials inside property values, titles, URLs and error texts; values of secret-named
 * properties. Pages are the least controlled source of personal data, so this runs at the door
 * (config.privacy.redact, on by default) whatever processors the log pipeline adds later.
 */
import { scrubText, scrubValue } from '../sdk/scrub.js';
import type { BrowserEvent } from './schema.js';

export type RedactEvent = (event: BrowserEvent) => BrowserEvent;

export const redactEvent: RedactEvent = (event) => {
  const out: BrowserEvent = { ...event };
  if (event.properties) out.properties = scrubValue(event.properties) as Record<string, unknown>;
  if (event.context) {
    const context = { ...event.context };
    for (const key of ['url', 'path', 'referrer', 'title'] as const) {
      const value = context[key];
      if (value !== undefined) context[key] = scrubText(value);
    }
    out.context = context;
  }
  return out;
};
