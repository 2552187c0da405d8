/**
 * The privacy pipeline: the policy of src/privacy (redaction, consent, pseudonymisation, IP handling) as span
 * and log processors. start() creates it from config.privacy and puts it in its pipeline itself; passing these
 * to start() again would apply the policy twice. Set consent through what start() returns:
 *
 *   const telemetry = await start();
 *   telemetry?.consent.set(user.id, user.analyticsConsent);
 *
 * createPrivacyProcessors is for a pipeline assembled without start() (your own NodeSDK or providers):
 *
 *   const privacy = createPrivacyProcessors(config.privacy);
 *   new NodeSDK({ spanProcessors: [privacy.spanProcessor, exportingSpans], logRecordProcessors: [privacy.wrapLogRecordProcessor(exportingLogs)] });
 *
 * The consent registry belongs to the returned object (no global); pass your own to share one.
 */
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ConsentRegistry } from '../../privacy/consent.js';
import { PrivacyLogRecordProcessor } from './privacy-log.js';
import { PrivacyPolicy, type PrivacyConfig } from '../../privacy/policy.js';
import type { Redactor } from '../../privacy/redact.js';
import { PrivacySpanProcessor } from './privacy-span.js';

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
