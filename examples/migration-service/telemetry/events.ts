/**
 * Product events of the service's journey (sign in, connect an organisation, create a migration, run it,
 * view its results), through tc9-observability's analytics API. User, session and organisation come from
 * the request's baggage (expressIdentity) unless given; the trace id from the request's span.
 *
 * Guarded: an event the analytics API rejects (ValidationError) or a failing pipeline costs the event,
 * never the request.
 */
import { diag } from '@opentelemetry/api';

export function emitEvent(name: string, track: () => unknown): void {
  try {
    track();
  } catch (err) {
    diag.warn(`migration-service: analytics event ${name} not recorded: ${err instanceof Error ? err.message : String(err)}`);
  }
}
