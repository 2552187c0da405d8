/**
 * Access to the global OpenTelemetry providers for everything this package emits itself (migrations,
 * analytics events, errors, monitors). Nothing here starts an SDK: without one, all calls are no-ops.
 *
 * The logs API comes from @opentelemetry/api: since API 1.10 the SDK (NodeSDK, LoggerProvider) registers
 * its LoggerProvider there; @opentelemetry/api-logs keeps a separate global that the SDK no longer fills.
 *
 * The metrics API has no proxy provider: a meter taken before the SDK registers its MeterProvider stays a
 * no-op forever. So instruments are created per MeterProvider, on first use after it is registered.
 */
import { logs, metrics, trace, type Logger, type LoggerProvider, type Meter, type MeterProvider, type Tracer } from '@opentelemetry/api';
import { SCHEMA_VERSION, SCOPE_NAME } from '../semconv.js';

const SCOPE_VERSION = String(SCHEMA_VERSION);

export function getTracer(): Tracer {
  return trace.getTracer(SCOPE_NAME, SCOPE_VERSION);
}

/** The logger of the registered provider, kept: getLogger() builds a scope key and looks it up on every call (a µs per event). */
let cachedLogger: { provider: LoggerProvider; logger: Logger } | undefined;

export function getLogger(): Logger {
  const provider = logs.getLoggerProvider();
  if (cachedLogger?.provider !== provider) cachedLogger = { provider, logger: provider.getLogger(SCOPE_NAME, SCOPE_VERSION) };
  return cachedLogger.logger;
}

/**
 * A getter for a set of instruments, created once per registered MeterProvider (tests and restarts may
 * replace the provider; the old one's instruments are then garbage once it is gone).
 */
export function instruments<T>(create: (meter: Meter) => T): () => T {
  const byProvider = new WeakMap<MeterProvider, T>();
  return () => {
    const provider = metrics.getMeterProvider();
    let set = byProvider.get(provider);
    if (set === undefined) {
      set = create(provider.getMeter(SCOPE_NAME, SCOPE_VERSION));
      byProvider.set(provider, set);
    }
    return set;
  };
}
