/**
 * The one step that hands an accepted browser event to OpenTelemetry: the log pipeline started by
 * start() (global provider: redaction processors, batching, exporters) or the provider given.
 *
 * The logs API comes from @opentelemetry/api: since API 1.10 NodeSDK registers its LoggerProvider
 * there, and @opentelemetry/api-logs' separate global would not see it.
 */
import { logs, type LoggerProvider } from '@opentelemetry/api';
import { SCOPE_NAME } from '../semconv.js';
import { toLogRecord, type IngestedEvent } from './to-log-record.js';

export type EmitEvent = (event: IngestedEvent) => void;

export function otelEmitter(loggerProvider?: LoggerProvider): EmitEvent {
  // Looked up per call: start() may run after the endpoint was mounted.
  return (event) => (loggerProvider ?? logs.getLoggerProvider()).getLogger(SCOPE_NAME).emit(toLogRecord(event));
}
