/** A log record (or event) as the otel_logs row the collector's clickhouseexporter writes for it. */
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { attributeMap, epochNanos, resourceMap, serviceName, valueString } from './values.js';

export interface LogRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Record<string, string>;
  ScopeSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Record<string, string>;
  LogAttributes: Record<string, string>;
  EventName: string;
}

export function logRow(record: ReadableLogRecord): LogRow {
  const scope = record.instrumentationScope;
  const resource = record.resource.attributes;
  // The exporter falls back to the observed time when a record carries no timestamp.
  const time = record.hrTime[0] === 0 && record.hrTime[1] === 0 ? record.hrTimeObserved : record.hrTime;
  return {
    Timestamp: epochNanos(time),
    TraceId: record.spanContext?.traceId ?? '',
    SpanId: record.spanContext?.spanId ?? '',
    TraceFlags: record.spanContext?.traceFlags ?? 0,
    SeverityText: record.severityText ?? '',
    SeverityNumber: record.severityNumber ?? 0,
    ServiceName: serviceName(resource),
    Body: valueString(record.body),
    ResourceSchemaUrl: record.resource.schemaUrl ?? '',
    ResourceAttributes: resourceMap(resource),
    ScopeSchemaUrl: scope.schemaUrl ?? '',
    ScopeName: scope.name,
    ScopeVersion: scope.version ?? '',
    ScopeAttributes: attributeMap(scope.attributes),
    LogAttributes: attributeMap(record.attributes),
    EventName: record.eventName ?? '',
  };
}
