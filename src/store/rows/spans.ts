/** A finished span as the otel_traces row the collector's clickhouseexporter writes for it. */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { attributeMap, durationNanos, epochNanos, resourceMap, serviceName } from './values.js';

// pdata's SpanKind.String() / StatusCode.String() names.
const KIND: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'Internal',
  [SpanKind.SERVER]: 'Server',
  [SpanKind.CLIENT]: 'Client',
  [SpanKind.PRODUCER]: 'Producer',
  [SpanKind.CONSUMER]: 'Consumer',
};

const STATUS: Record<SpanStatusCode, string> = {
  [SpanStatusCode.UNSET]: 'Unset',
  [SpanStatusCode.OK]: 'Ok',
  [SpanStatusCode.ERROR]: 'Error',
};

export interface TraceRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  Duration: number;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Array<Record<string, string>>;
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Array<Record<string, string>>;
}

export function traceRow(span: ReadableSpan): TraceRow {
  const ctx = span.spanContext();
  const resource = span.resource.attributes;
  return {
    Timestamp: epochNanos(span.startTime),
    TraceId: ctx.traceId,
    SpanId: ctx.spanId,
    ParentSpanId: span.parentSpanContext?.spanId ?? '',
    TraceState: ctx.traceState?.serialize() ?? '',
    SpanName: span.name,
    SpanKind: KIND[span.kind] ?? 'Unspecified',
    ServiceName: serviceName(resource),
    ResourceAttributes: resourceMap(resource),
    ScopeName: span.instrumentationScope.name,
    ScopeVersion: span.instrumentationScope.version ?? '',
    SpanAttributes: attributeMap(span.attributes),
    Duration: durationNanos(span.startTime, span.endTime),
    StatusCode: STATUS[span.status.code] ?? 'Unset',
    StatusMessage: span.status.message ?? '',
    'Events.Timestamp': span.events.map((e) => epochNanos(e.time)),
    'Events.Name': span.events.map((e) => e.name),
    'Events.Attributes': span.events.map((e) => attributeMap(e.attributes)),
    'Links.TraceId': span.links.map((l) => l.context.traceId),
    'Links.SpanId': span.links.map((l) => l.context.spanId),
    'Links.TraceState': span.links.map((l) => l.context.traceState?.serialize() ?? ''),
    'Links.Attributes': span.links.map((l) => attributeMap(l.attributes)),
  };
}
