/**
 * Sentry for errors and check-ins only; OpenTelemetry owns tracing. Initialised after the OTel SDK so
 * that openTelemetryIntegration reads the active OTel span: every captured error and check-in carries
 * that span's trace_id/span_id. No tracesSampleRate (Sentry would start its own spans and traces) and
 * no Sentry tracer provider (enableOpenTelemetrySetup stays false).
 */
import * as Sentry from '@sentry/node';
import type { Config } from '../config.js';
import { createSentryScrubber } from '../privacy/sentry-event.js';

/**
 * Default integrations we replace (Http, NodeFetch: see initSentry) or drop: OnUnhandledRejection would
 * change Node's default crash on an unhandled rejection; LocalVariables runs the inspector and captures
 * variable values.
 */
const REPLACED = new Set(['Http', 'NodeFetch', 'OnUnhandledRejection', 'LocalVariables', 'LocalVariablesAsync']);

export interface SentryOptions {
  /** Called instead of Sentry's own fatal handler after an uncaught exception has been captured. */
  onFatalError?: (error: Error) => void;
  /** Event scrubber instead of the configuration's (config.privacy, strict rules). */
  beforeSend?: <T extends Sentry.Event>(event: T) => T | null;
}

export function initSentry(config: Config, options: SentryOptions = {}): Sentry.NodeClient | undefined {
  const { dsn } = config.sentry;
  if (!dsn) return undefined;
  const scrub = options.beforeSend ?? createSentryScrubber(config.privacy);
  const endpoints = [config.otlp.traces.url, config.otlp.metrics.url, config.otlp.logs.url];
  const isTelemetryUrl = (url: string) => endpoints.some((e) => url.startsWith(e));
  return Sentry.init({
    dsn,
    release: config.release,
    environment: config.environment,
    debug: config.sentry.debug,
    // Sentry's runtime module hooks would rewrite Express & co. at load time next to OTel's hooks; OTel
    // instruments those libraries and setupExpressErrorHandler captures their errors.
    enableRuntimeChannelInjection: false,
    integrations: (defaults) => [
      ...defaults.filter((i) => !REPLACED.has(i.name)),
      Sentry.openTelemetryIntegration(),
      // Breadcrumbs and request isolation only: OTel makes the spans and injects traceparent.
      // Our own exports to the collector are not the app's requests: no breadcrumbs for them.
      // Release-health sessions (a session per request, aggregated per minute) only when asked for
      // (TC9_SENTRY_SESSIONS): per-request work that error tracking does not need.
      Sentry.httpIntegration({
        spans: false,
        tracePropagation: false,
        sessions: config.sentry.sessions,
        ignoreOutgoingRequests: isTelemetryUrl,
      }),
      Sentry.nativeNodeFetchIntegration({ spans: false, tracePropagation: false, ignoreOutgoingRequests: isTelemetryUrl }),
      // Without OnUnhandledRejection, Node raises an unhandled rejection as an uncaught exception,
      // which OnUncaughtException captures before the process exits as it would have.
    ],
    // Privacy by default: nothing about the user, no cookies, bodies, query values or local variables.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { allow: ['user-agent', 'content-type', 'accept', 'content-length', 'host'] }, response: false },
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
      graphQL: { document: false, variables: false },
      genAI: { inputs: false, outputs: false },
      mcp: { inputs: false, outputs: false },
    },
    beforeSend: (event) => scrub(event),
    beforeBreadcrumb: (breadcrumb) => scrub({ breadcrumbs: [breadcrumb] })?.breadcrumbs?.[0] ?? null,
    shutdownTimeout: config.shutdownTimeoutMs,
    ...(options.onFatalError ? { onFatalError: options.onFatalError } : {}),
  });
}

/** Sends what Sentry holds and stops it. */
export async function closeSentry(timeoutMs: number): Promise<void> {
  if (Sentry.isInitialized()) await Sentry.close(timeoutMs);
}
