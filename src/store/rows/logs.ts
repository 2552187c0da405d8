/**
 * A log record (or event) as the otel_logs row the collector's clickhouseexporter writes for it, in two parts:
 * the columns of its resource and scope, shared by the records of a batch, and its own.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { attributeMap, epochNanos, resourceMap, serviceName, valueString } from './values.js';

/** The columns every record of one resource and scope has in common: written once per insert, not per row. */
export interface LogSharedColumns {
  ServiceName: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Readonly<Record<string, string>>;
  ScopeSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Readonly<Record<string, string>>;
}

/** The columns of one record. Empty strings and zeros are left out: the insert fills in the column's default, the same value. */
export interface LogOwnColumns {
  Timestamp: string;
  TraceId?: string;
  SpanId?: string;
  TraceFlags?: number;
  SeverityText?: string;
  SeverityNumber?: number;
  Body?: string;
  LogAttributes: Record<string, string>;
  EventName?: string;
}

type Scope = ReadableLogRecord['instrumentationScope'];
type Resource = ReadableLogRecord['resource'];

/** Per resource, per scope: one frozen object, so rows of one process group under the same identity. */
const sharedByResource = new WeakMap<Resource, WeakMap<Scope, Readonly<LogSharedColumns>>>();

export function logSharedColumns(record: ReadableLogRecord): Readonly<LogSharedColumns> {
  const { resource, instrumentationScope: scope } = record;
  let byScope = sharedByResource.get(resource);
  if (!byScope) {
    byScope = new WeakMap();
    sharedByResource.set(resource, byScope);
  }
  let shared = byScope.get(scope);
  if (!shared) {
    shared = Object.freeze({
      ServiceName: serviceName(resource.attributes),
      ResourceSchemaUrl: resource.schemaUrl ?? '',
      ResourceAttributes: resourceMap(resource.attributes),
      ScopeSchemaUrl: scope.schemaUrl ?? '',
      ScopeName: scope.name,
      ScopeVersion: scope.version ?? '',
      ScopeAttributes: Object.freeze(attributeMap(scope.attributes)),
    });
    byScope.set(scope, shared);
  }
  return shared;
}

export function logOwnColumns(record: ReadableLogRecord): LogOwnColumns {
  // The exporter falls back to the observed time when a record carries no timestamp.
  const time = record.hrTime[0] === 0 && record.hrTime[1] === 0 ? record.hrTimeObserved : record.hrTime;
  const row: LogOwnColumns = { Timestamp: epochNanos(time), LogAttributes: stringAttributes(record.attributes) };
  const span = record.spanContext;
  if (span?.traceId) row.TraceId = span.traceId;
  if (span?.spanId) row.SpanId = span.spanId;
  if (span?.traceFlags) row.TraceFlags = span.traceFlags;
  if (record.severityText) row.SeverityText = record.severityText;
  if (record.severityNumber) row.SeverityNumber = record.severityNumber;
  const body = valueString(record.body);
  if (body) row.Body = body;
  if (record.eventName) row.EventName = record.eventName;
  return row;
}

/**
 * The record's attributes as they are when every value is a string (an analytics event's, but for a
 * duration): the row is serialised right away and the exported record is only read, so the map need not
 * be copied. Otherwise a converted copy.
 */
function stringAttributes(attributes: Attributes): Record<string, string> {
  if (Object.getPrototypeOf(attributes) !== Object.prototype) return attributeMap(attributes);
  for (const key in attributes) {
    if (typeof attributes[key] !== 'string' || !Object.hasOwn(attributes, key)) return attributeMap(attributes);
  }
  return attributes as Record<string, string>;
}
