/**
 * Rows in the shape the collector's clickhouseexporter writes (the columns of clickhouse/00x_otel_*.sql),
 * for seeding test scenarios. Timestamps are written as UTC text with nanoseconds.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../../../examples/migration-service/run/random.js';

export type Attributes = Record<string, string>;

/** '2026-11-22 12:00:00.123456789' (the chDB session runs in UTC). */
export function chTime(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2026-11-22T12:00:00.123Z
  const nanos = String(Math.round((ms - Math.floor(ms)) * 1e6)).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${nanos}`;
}

/** Deterministic ids: the same seed text gives the same id. */
export function hexId(seed: string, bytes: 16 | 8): string {
  return createHash('sha256')
    .update(seed)
    .digest('hex')
    .slice(0, bytes * 2);
}

/** A seeded random stream (the reference service's mulberry32), so every run seeds the same scenario. */
export { seededRandom };

export interface Resource {
  service: string;
  version: string;
  environment: string;
  instance: string;
}

export function resourceAttributes(r: Resource): Attributes {
  return {
    'service.name': r.service,
    'service.version': r.version,
    'deployment.environment.name': r.environment,
    'service.instance.id': r.instance,
    'telemetry.sdk.language': 'nodejs',
  };
}

export interface SpanInput {
  resource: Resource;
  startMs: number;
  durationMs: number;
  name: string;
  kind: 'Server' | 'Client' | 'Internal';
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: Attributes;
  status?: 'Unset' | 'Ok' | 'Error';
  statusMessage?: string;
  scope?: string;
}

export function spanRow(s: SpanInput): Record<string, unknown> {
  return {
    Timestamp: chTime(s.startMs),
    TraceId: s.traceId,
    SpanId: s.spanId,
    ParentSpanId: s.parentSpanId ?? '',
    TraceState: '',
    SpanName: s.name,
    SpanKind: s.kind,
    ServiceName: s.resource.service,
    ResourceAttributes: resourceAttributes(s.resource),
    ScopeName: s.scope ?? '@opentelemetry/instrumentation-http',
    ScopeVersion: '0.301.0',
    SpanAttributes: s.attributes ?? {},
    Duration: Math.round(s.durationMs * 1e6),
    StatusCode: s.status ?? 'Unset',
    StatusMessage: s.statusMessage ?? '',
  };
}

export interface LogInput {
  resource: Resource;
  timeMs: number;
  eventName: string;
  attributes: Attributes;
  body?: string;
  severity?: 'INFO' | 'WARN' | 'ERROR';
  traceId?: string;
  spanId?: string;
}

const SEVERITY_NUMBER = { INFO: 9, WARN: 13, ERROR: 17 } as const;

export function logRow(l: LogInput): Record<string, unknown> {
  const severity = l.severity ?? 'INFO';
  return {
    Timestamp: chTime(l.timeMs),
    TraceId: l.traceId ?? '',
    SpanId: l.spanId ?? '',
    TraceFlags: l.traceId ? 1 : 0,
    SeverityText: severity,
    SeverityNumber: SEVERITY_NUMBER[severity],
    ServiceName: l.resource.service,
    Body: l.body ?? l.eventName,
    ResourceSchemaUrl: '',
    ResourceAttributes: resourceAttributes(l.resource),
    ScopeSchemaUrl: '',
    ScopeName: 'tc9-observability',
    ScopeVersion: '0.1.0',
    ScopeAttributes: {},
    LogAttributes: l.attributes,
    EventName: l.eventName,
  };
}

export interface GaugeInput {
  resource: Resource;
  timeMs: number;
  name: string;
  unit: string;
  value: number;
  attributes?: Attributes;
}

export function gaugeRow(g: GaugeInput): Record<string, unknown> {
  return {
    ResourceAttributes: resourceAttributes(g.resource),
    ResourceSchemaUrl: '',
    ScopeName: '@opentelemetry/instrumentation-runtime-node',
    ScopeVersion: '0.30.0',
    ScopeAttributes: {},
    ScopeDroppedAttrCount: 0,
    ScopeSchemaUrl: '',
    ServiceName: g.resource.service,
    MetricName: g.name,
    MetricDescription: '',
    MetricUnit: g.unit,
    Attributes: g.attributes ?? {},
    StartTimeUnix: chTime(g.timeMs),
    TimeUnix: chTime(g.timeMs),
    Value: g.value,
    Flags: 0,
  };
}
