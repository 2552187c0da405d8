export { captureError, toError, type CapturedError, type ErrorContext } from './capture.js';
export {
  classifyCategory,
  classifySeverity,
  sentryLevel,
  ERROR_CATEGORIES,
  ERROR_SEVERITIES,
  type ClassifyHints,
  type ErrorCategory,
  type ErrorSeverity,
} from './classify.js';
export { fingerprint, normalizeMessage, inAppFrames, type Frame } from './fingerprint.js';
export { markExternalServiceError, externalServiceOf, withExternalService, type ExternalCall } from './external.js';
