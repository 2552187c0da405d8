/**
 * A validated browser event as the OpenTelemetry event (log record) the server-side analytics API
 * writes for the same name: eventName = the event, attributes per ATTR, `tc9.event.source` =
 * 'browser'. The store's views (user_activities, feature_usage, application_errors,
 * performance_metrics, sessions) then treat browser and server steps of a journey alike.
 */
import { ROOT_CONTEXT, SeverityNumber, TraceFlags, trace, type Attributes, type LogRecord } from '@opentelemetry/api';
import { ATTR, EVENT } from '../semconv.js';
import { pathOf } from '../core/url.js';
import { liftedProperties, text } from '../analytics/record.js';
import type { BrowserEvent } from './schema.js';
import type { Client } from './user-agent.js';

export interface IngestedEvent {
  event: BrowserEvent;
  /** The client's timestamp, corrected for its clock's offset from the server's. */
  timestamp: Date;
  receivedAt: Date;
  userAgent?: string;
  client: Client;
  /** Already reduced per the IP mode (truncated, or absent when dropped). */
  clientAddress?: string;
}

export function eventKind(name: string): 'analytics' | 'error' | 'performance' {
  if (name === EVENT.error) return 'error';
  if (name === EVENT.performance) return 'performance';
  return 'analytics';
}

export function toLogRecord(ingested: IngestedEvent): LogRecord {
  const { event, client } = ingested;
  const props: Record<string, unknown> = { ...event.properties };
  const attributes: Attributes = {
    [ATTR.eventId]: event.id,
    [ATTR.eventKind]: eventKind(event.event),
    [ATTR.eventSource]: 'browser',
    [ATTR.sessionId]: event.sessionId,
  };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') attributes[key] = text(value);
  };
  /** Moves a property into its named attribute, so it is not written twice. */
  const lift = (key: string, prop: string) => {
    set(key, props[prop]);
    delete props[prop];
  };

  set(ATTR.userId, event.userId);
  set(ATTR.urlPath, event.context?.path ?? pathOf(event.context?.url));
  set(ATTR.referrer, event.context?.referrer);
  set(ATTR.userAgent, ingested.userAgent);
  set(ATTR.clientAddress, ingested.clientAddress);
  set(ATTR.browserName, client.browserName);
  set(ATTR.osName, client.osName);
  set(ATTR.deviceType, client.deviceType);
  for (const [key, value] of Object.entries(event.context ?? {})) {
    if (key !== 'path' && key !== 'referrer') set(ATTR.contextPrefix + key, value);
  }
  set(`${ATTR.contextPrefix}tracker_version`, event.metadata?.version);

  let severityNumber = SeverityNumber.INFO;
  let body: string | undefined;
  // The analytics API's table: feature, experiment and session-end properties land where server events put them.
  for (const [property, attribute] of liftedProperties(event.event) ?? []) lift(attribute, property);
  switch (event.event) {
    case EVENT.error:
      severityNumber = SeverityNumber.ERROR;
      body = text(props.message);
      lift(ATTR.exceptionType, 'type');
      lift(ATTR.exceptionMessage, 'message');
      lift(ATTR.exceptionStacktrace, 'stack');
      lift(ATTR.errorSeverity, 'severity');
      set(ATTR.errorCategory, props.category ?? 'client');
      delete props.category;
      break;
    case EVENT.performance:
      lift(ATTR.metricName, 'metric');
      lift(ATTR.metricType, 'metricType');
      // The store reads tc9.prop.value / tc9.prop.unit; durations are also in the common duration attribute.
      if ((props.unit ?? 'ms') === 'ms') set(ATTR.durationMs, props.value);
      break;
  }
  for (const [key, value] of Object.entries(props)) set(ATTR.propPrefix + key, value);

  return {
    eventName: event.event,
    timestamp: ingested.timestamp,
    observedTimestamp: ingested.receivedAt,
    severityNumber,
    severityText: severityNumber === SeverityNumber.ERROR ? 'ERROR' : 'INFO',
    ...(body ? { body } : {}),
    attributes,
    // Not the ingest request's trace: the event happened in the browser, before this request. When the
    // tracker traced the app's request before it, the record joins that trace (the server span's parent).
    context:
      event.traceId && event.spanId
        ? trace.setSpanContext(ROOT_CONTEXT, {
            traceId: event.traceId,
            spanId: event.spanId,
            traceFlags: TraceFlags.SAMPLED,
            isRemote: true,
          })
        : ROOT_CONTEXT,
  };
}
