/**
 * tc9-observability/sdk: the SDK assembly, for apps that prefer code to `node --import tc9-observability/register`.
 * It loads OpenTelemetry's Node SDK, the auto-instrumentations and Sentry; the main entry (the API) loads none
 * of them, so libraries and hot paths can import it freely.
 */
export { start, shutdown } from './start.js';
export type { StartOptions, Telemetry } from './start.js';
export { loadConfig, ConfigError } from '../config.js';
export { configFrom, CONFIG_OPTIONS, type ConfigOptions } from '../options.js';
export type { Config } from '../config.js';
export { createPrivacyProcessors } from './processors/privacy.js';
export type { PrivacyProcessors } from './processors/privacy.js';
export { createSentryScrubber, scrubEvent } from '../privacy/sentry-event.js';
export { BaggageLogRecordProcessor, BaggageSpanProcessor } from './processors/baggage.js';
