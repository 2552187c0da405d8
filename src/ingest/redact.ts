/**
 * Redaction of what a page sent before it becomes telemetry: secrets and personal data inside property
 * values, titles, URLs and error texts; values of secret-named properties. Pages are the least controlled
 * source of personal data, so this runs at the door (config.privacy.redact, on by default) whatever
 * processors the log pipeline adds later, with the same rules (allow and deny keys included).
 */
import { createRedactor, type RedactionOptions } from '../privacy/redact.js';
import type { BrowserEvent } from './schema.js';

export type RedactEvent = (event: BrowserEvent) => BrowserEvent;

/** An event redactor applying `options` (config.privacy). */
export function createEventRedactor(options: RedactionOptions = {}): RedactEvent {
  const redactor = createRedactor(options);
  return (event) => {
    const out: BrowserEvent = { ...event };
    if (event.properties) out.properties = redactor.value(event.properties) as Record<string, unknown>;
    if (event.context) {
      const context = { ...event.context };
      for (const key of ['url', 'path', 'referrer', 'title'] as const) {
        const value = context[key];
        if (value !== undefined) context[key] = redactor.text(value);
      }
      out.context = context;
    }
    return out;
  };
}

/** The default rules (no allow or deny keys). */
export const redactEvent: RedactEvent = createEventRedactor();
