export { ConsentRegistry, type ConsentOptions, type ConsentState } from './consent.js';
export { createRedactor, redactAttributes, redactValue, type RedactionOptions, type Redactor } from './redact.js';
export { scrubText, isCardNumber, REDACTED } from './text.js';
export { truncateIp, applyIpMode, IP_KEYS, type IpMode } from './ip.js';
export { createPseudonymizer, type Pseudonymizer } from './pseudonymize.js';
export { PrivacyPolicy, type PrivacyConfig } from './policy.js';
