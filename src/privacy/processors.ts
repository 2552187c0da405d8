/**
 * The privacy pipeline for start():
 *
 *   const privacy = createPrivacyProcessors(config.privacy);
 *   await start({ config, spanProcessors: [privacy.spanProcessor], logRecordProcessors: [privacy.logRecordProcessor] });
 *   privacy.consent.set(user.id, user.analyticsConsent);
 *
 * The consent registry belongs to the returned object (no global); pass your own to share one.
 */
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { ConsentRegistry } from './consent.js';
import { PrivacyLogRecordProcessor } from './log-processor.js';
import { PrivacyPolicy, type PrivacyConfig } from './policy.js';
import type { Redactor } from './redact.js';
import { PrivacySpanProcessor } from './span-processor.js';

export interface PrivacyProcessors {
  /** Put before the exporting span processor (any position works: it acts in onEnding). */
  spanProcessor: SpanProcessor;
  /** Put before the exporting log processor; records to drop for lack of consent are emptied. */
  logRecordProcessor: LogRecordProcessor;
  /** Wraps the exporting log processor instead, so records to drop are not exported at all. */
  wrapLogRecordProcessor(exporting: LogRecordProcessor): LogRecordProcessor;
  consent: ConsentRegistry;
  /** The redaction rules of this configuration (for Sentry's beforeSend and the like). */
  redactor: Redactor;
}

export function createPrivacyProcessors(config: PrivacyConfig, options: { consent?: ConsentRegistry } = {}): PrivacyProcessors {
  const policy = new PrivacyPolicy(config, options.consent);
  return {
    spanProcessor: new PrivacySpanProcessor(policy),
    logRecordProcessor: new PrivacyLogRecordProcessor(policy),
    wrapLogRecordProcessor: (exporting) => new PrivacyLogRecordProcessor(policy, exporting),
    consent: policy.consent,
    redactor: policy.redactor,
  };
}
