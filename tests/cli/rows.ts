/** Raw OTel rows as the collector writes them, for seeding the CLI tests' stores (the views derive the rest). */

/** DateTime64(9) text from epoch milliseconds. */
export const dt = (ms: number) => `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1e6).padStart(9, '0')}`;

let counter = 0;
const id = (bytes: number) => (++counter).toString(16).padStart(bytes * 2, '0');

export function logRow(ts: number, name: string, kind: 'analytics' | 'error', attrs: Record<string, string>, service = 'shop') {
  return {
    Timestamp: dt(ts),
    ServiceName: service,
    SeverityText: kind === 'error' ? 'ERROR' : 'INFO',
    SeverityNumber: kind === 'error' ? 17 : 9,
    Body: name,
    ResourceAttributes: { 'service.name': service, 'service.version': '1.0.0', 'tc9.release': `${service}@1.0.0` },
    ScopeName: 'tc9-observability',
    LogAttributes: { 'tc9.event.kind': kind, ...attrs },
    EventName: name,
  };
}

export function spanRow(
  ts: number,
  name: string,
  kind: string,
  service: string,
  durationMs: number,
  attrs: Record<string, string>,
  status = 'Unset',
  traceId = id(16),
) {
  return {
    Timestamp: dt(ts),
    TraceId: traceId,
    SpanId: id(8),
    ParentSpanId: '',
    SpanName: name,
    SpanKind: kind,
    ServiceName: service,
    ResourceAttributes: { 'service.name': service },
    ScopeName: 'test',
    SpanAttributes: attrs,
    Duration: Math.round(durationMs * 1e6),
    StatusCode: status,
  };
}
