import { context, trace, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

/**
 * The span to record an error on: the active one while it is recording, else the request's server span, which
 * the http instrumentation keeps in the context's RPC metadata. An Express error handler runs after the
 * request-handler span has ended, and an ended span only answers with a diag warning; the server span is
 * still open then. Undefined when neither is recording.
 */
export function liveSpan(): Span | undefined {
  const active = trace.getActiveSpan();
  if (active?.isRecording()) return active;
  const server = getRPCMetadata(context.active())?.span;
  return server?.isRecording() ? server : undefined;
}
