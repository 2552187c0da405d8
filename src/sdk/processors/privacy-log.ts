/**
 * Applies the privacy policy to every log record: consent, redaction of attributes and body, IP
 * handling, user-id pseudonymisation.
 *
 * A LogRecordProcessor cannot stop the processors after it from seeing a record. So:
 * - wrapping (`new PrivacyLogRecordProcessor(policy, exporting)`, what wrapLogRecordProcessor returns):
 *   a record to drop never reaches the exporting processor;
 * - in a chain (placed before the exporting processor; what start() does when it exports no logs itself):
 *   a record to drop is emptied instead (no event name, body or attributes but tc9.consent = dropped).
 */
import type { AnyValue, Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { ATTR } from '../../semconv.js';
import type { PrivacyPolicy } from '../../privacy/policy.js';

export class PrivacyLogRecordProcessor implements LogRecordProcessor {
  constructor(
    private readonly policy: PrivacyPolicy,
    private readonly next?: LogRecordProcessor,
  ) {}

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    const consent = this.policy.consentFor(record.attributes);
    if (consent === 'drop') {
      if (!this.next) empty(record);
      return;
    }
    this.policy.applyToAttributes(record.attributes, consent === 'pseudonymize');
    if (consent === 'keep' && record.attributes[ATTR.eventKind] === 'analytics' && record.attributes[ATTR.userId] !== undefined) {
      record.setAttribute(ATTR.consent, 'granted');
    }
    if (record.body !== undefined && record.body !== null) record.setBody(this.policy.redactor.value(record.body) as AnyValue);
    this.next?.onEmit(record, context);
  }

  forceFlush(): Promise<void> {
    return this.next?.forceFlush() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.next?.shutdown() ?? Promise.resolve();
  }
}

function empty(record: ReadWriteLogRecord): void {
  const attributes = record.attributes as Record<string, unknown>;
  for (const key of Object.keys(attributes)) delete attributes[key];
  record.setAttribute(ATTR.consent, 'dropped');
  (record as { eventName?: string }).eventName = undefined;
  (record as { body?: AnyValue }).body = undefined;
}
