/**
 * Copies the identity the middleware put into baggage (user.id, session.id, tc9.org.id, ...) onto every
 * span started and every log record emitted in that context, unless they carry their own.
 *
 * start() already puts both first in its pipeline: do not pass them to start() again. They are exported for a
 * pipeline assembled without start() (your own NodeSDK or providers); there, put the log processor before the
 * privacy one, so the copied ids are pseudonymised and consent-checked too (for spans the order does not
 * matter: privacy acts in onEnding).
 */
import { propagation, type Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { BAGGAGE_KEYS } from '../../analytics/identity.js';

const KEYS = Object.values(BAGGAGE_KEYS);

export class BaggageSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const baggage = propagation.getBaggage(parentContext);
    if (!baggage) return;
    for (const key of KEYS) {
      const value = baggage.getEntry(key)?.value;
      if (value && span.attributes[key] === undefined) span.setAttribute(key, value);
    }
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export class BaggageLogRecordProcessor implements LogRecordProcessor {
  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    const baggage = context && propagation.getBaggage(context);
    if (!baggage) return;
    for (const key of KEYS) {
      const value = baggage.getEntry(key)?.value;
      if (value && record.attributes[key] === undefined) record.setAttribute(key, value);
    }
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
