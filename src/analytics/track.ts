/**
 * track(): validate an analytics event and emit it as an OpenTelemetry event (log record). Invalid events
 * are rejected with a ValidationError naming each bad field, never dropped silently; in a batch the valid
 * events are still emitted and each bad one is reported.
 */
import { randomUUID } from 'node:crypto';
import { analyticsEventSchema, type AnalyticsEvent, type ValidEvent } from './schema.js';
import { quickValid } from './quick-check.js';
import { emit, toLogRecord } from './record.js';
import { ValidationError, plainMessages } from './validation.js';

/** The event as the schema passes it (the event itself when quickValid vouches for it), or a ValidationError. */
export function validateEvent(event: unknown, root: PropertyKey[] = ['event']): ValidEvent {
  if (quickValid(event)) return event;
  const r = analyticsEventSchema.safeParse(event, { error: plainMessages });
  if (!r.success) throw ValidationError.fromZod(r.error, root);
  return r.data;
}

/** Emits one event; returns its id (tc9.event.id). Throws ValidationError for an invalid event. */
export function track(event: AnalyticsEvent): string {
  const valid = validateEvent(event);
  const id = randomUUID();
  emit(toLogRecord(valid, id));
  return id;
}

export interface BatchResult {
  /** Ids of the emitted events, in input order. */
  emitted: { index: number; id: string }[];
  rejected: { index: number; error: ValidationError }[];
}

/** Emits every valid event of `events`; each invalid one is reported with its index (`events[3].name: ...`). */
export function trackBatch(events: readonly AnalyticsEvent[]): BatchResult {
  const result: BatchResult = { emitted: [], rejected: [] };
  if (!Array.isArray(events)) {
    result.rejected.push({ index: -1, error: new ValidationError([{ path: 'events', message: 'must be an array' }]) });
    return result;
  }
  events.forEach((event, index) => {
    try {
      const valid = validateEvent(event, ['events', index]);
      const id = randomUUID();
      emit(toLogRecord(valid, id));
      result.emitted.push({ index, id });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      result.rejected.push({ index, error });
    }
  });
  return result;
}
