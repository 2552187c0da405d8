/**
 * A stand-in OpenTelemetry Collector for tests: an HTTP server on 127.0.0.1 (port chosen by the OS)
 * accepting OTLP/HTTP JSON on POST /v1/traces, /v1/metrics and /v1/logs (gzip or not), decoding what
 * arrives into plain objects.
 *
 *   const otlp = await startOtlpReceiver();
 *   spawn('node', [...], { env: { ...otlp.env } });
 *   const spans = await otlp.waitForSpans((all) => all.filter((s) => s.kind === 'SERVER'));
 *   await otlp.close();
 *
 * Protobuf bodies are answered 415 (our exporters send JSON).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type Attributes = Record<string, unknown>;
export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKindName;
  attributes: Attributes;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: { name: string; attributes: Attributes }[];
  resource: Attributes;
  scope: { name: string; version?: string };
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

export interface ReceivedDataPoint {
  attributes: Attributes;
  /** Sum and gauge points. */
  value?: number;
  /** Histogram points. */
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

export interface ReceivedMetric {
  name: string;
  unit: string;
  description: string;
  type: 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';
  temporality: 'delta' | 'cumulative' | undefined;
  points: ReceivedDataPoint[];
  resource: Attributes;
  scope: { name: string; version?: string };
}

export interface ReceivedLogRecord {
  traceId: string | undefined;
  spanId: string | undefined;
  eventName: string | undefined;
  severityNumber: number | undefined;
  severityText: string | undefined;
  body: unknown;
  attributes: Attributes;
  resource: Attributes;
  scope: { name: string; version?: string };
  timeUnixNano: string | undefined;
}

export interface OtlpReceiver {
  /** Base URL, e.g. http://127.0.0.1:41234 (what OTEL_EXPORTER_OTLP_ENDPOINT takes). */
  url: string;
  /** Environment for a child process exporting here: OTEL_EXPORTER_OTLP_ENDPOINT plus short batch delays. */
  env: Record<string, string>;
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  logs: ReceivedLogRecord[];
  /** Every request seen, including rejected ones. */
  requests: { path: string; contentType: string | undefined; contentEncoding: string | undefined }[];
  waitForSpans<T>(select: (spans: ReceivedSpan[]) => T | undefined | false | null, options?: WaitOptions): Promise<T>;
  waitForMetrics<T>(select: (metrics: ReceivedMetric[]) => T | undefined | false | null, options?: WaitOptions): Promise<T>;
  waitForLogs<T>(select: (logs: ReceivedLogRecord[]) => T | undefined | false | null, options?: WaitOptions): Promise<T>;
  close(): Promise<void>;
}

export interface WaitOptions {
  /** Default 20 s. */
  timeoutMs?: number;
  /** Used in the timeout error. */
  what?: string;
}

/**
 * Polls `select` until it returns something truthy (an empty array counts as nothing), or rejects
 * after the timeout. For waiting on asynchronous delivery, never for measuring time.
 */
export async function waitFor<T>(
  select: () => T | undefined | false | null,
  { timeoutMs = 20_000, what = 'condition' }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = select();
    if (result && !(Array.isArray(result) && result.length === 0)) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const KINDS: SpanKindName[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}

export function decodeValue(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(decodeValue);
  if (v.kvlistValue) return decodeAttributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return undefined;
}

export function decodeAttributes(list: KeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) out[kv.key] = decodeValue(kv.value);
  return out;
}

/** OTLP/JSON ids are hex already; tolerate base64 from other senders. */
function hexId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  if (/^[0-9a-f]+$/i.test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

// OTLP/JSON as sent: the fields the decoders below read (on the wire, any of them may be missing).
// 64-bit integers arrive as strings or numbers.
type Int64 = number | string;
interface OtlpResource {
  attributes?: KeyValue[];
}
interface OtlpScope {
  name?: string;
  version?: string;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
  events?: { name: string; attributes?: KeyValue[] }[];
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
}
interface OtlpDataPoint {
  attributes?: KeyValue[];
  asDouble?: number | string;
  asInt?: Int64;
  count?: Int64;
  sum?: number | string;
  bucketCounts?: Int64[];
  explicitBounds?: number[];
}
interface OtlpMetricData {
  aggregationTemporality?: number;
  dataPoints?: OtlpDataPoint[];
}
type OtlpMetric = { name: string; unit?: string; description?: string } & Partial<Record<ReceivedMetric['type'], OtlpMetricData>>;
interface OtlpLogRecord {
  traceId?: string;
  spanId?: string;
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  timeUnixNano?: Int64;
}
interface OtlpBody {
  resourceSpans?: { resource?: OtlpResource; scopeSpans?: { scope?: OtlpScope; spans?: OtlpSpan[] }[] }[];
  resourceMetrics?: { resource?: OtlpResource; scopeMetrics?: { scope?: OtlpScope; metrics?: OtlpMetric[] }[] }[];
  resourceLogs?: { resource?: OtlpResource; scopeLogs?: { scope?: OtlpScope; logRecords?: OtlpLogRecord[] }[] }[];
}

function decodeTraces(body: OtlpBody): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const resource = decodeAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version };
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hexId(s.traceId) ?? '',
          spanId: hexId(s.spanId) ?? '',
          parentSpanId: hexId(s.parentSpanId),
          name: s.name,
          kind: KINDS[s.kind ?? 0] ?? 'UNSPECIFIED',
          attributes: decodeAttributes(s.attributes),
          status: { code: s.status?.code ?? 0, message: s.status?.message },
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: decodeAttributes(e.attributes) })),
          resource,
          scope,
          startTimeUnixNano: String(s.startTimeUnixNano),
          endTimeUnixNano: String(s.endTimeUnixNano),
        });
      }
    }
  }
  return out;
}

const TEMPORALITY = [undefined, 'delta', 'cumulative'] as const;

function decodePoint(p: OtlpDataPoint): ReceivedDataPoint {
  const point: ReceivedDataPoint = { attributes: decodeAttributes(p.attributes) };
  if (p.asDouble !== undefined) point.value = Number(p.asDouble);
  if (p.asInt !== undefined) point.value = Number(p.asInt);
  if (p.count !== undefined) point.count = Number(p.count);
  if (p.sum !== undefined) point.sum = Number(p.sum);
  if (p.bucketCounts) point.bucketCounts = p.bucketCounts.map(Number);
  if (p.explicitBounds) point.explicitBounds = p.explicitBounds.map(Number);
  return point;
}

function decodeMetrics(body: OtlpBody): ReceivedMetric[] {
  const out: ReceivedMetric[] = [];
  for (const rm of body.resourceMetrics ?? []) {
    const resource = decodeAttributes(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      const scope = { name: sm.scope?.name ?? '', version: sm.scope?.version };
      for (const m of sm.metrics ?? []) {
        const type = (['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'] as const).find((t) => m[t]);
        if (!type) continue;
        const data = m[type]!; // find() picked a type the metric has
        out.push({
          name: m.name,
          unit: m.unit ?? '',
          description: m.description ?? '',
          type,
          temporality: TEMPORALITY[data.aggregationTemporality ?? 0],
          points: (data.dataPoints ?? []).map(decodePoint),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

function decodeLogs(body: OtlpBody): ReceivedLogRecord[] {
  const out: ReceivedLogRecord[] = [];
  for (const rl of body.resourceLogs ?? []) {
    const resource = decodeAttributes(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      const scope = { name: sl.scope?.name ?? '', version: sl.scope?.version };
      for (const l of sl.logRecords ?? []) {
        out.push({
          traceId: hexId(l.traceId),
          spanId: hexId(l.spanId),
          eventName: l.eventName || undefined,
          severityNumber: l.severityNumber,
          severityText: l.severityText,
          body: decodeValue(l.body),
          attributes: decodeAttributes(l.attributes),
          resource,
          scope,
          timeUnixNano: l.timeUnixNano === undefined ? undefined : String(l.timeUnixNano),
        });
      }
    }
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export interface OtlpReceiverOptions {
  /** Listen on this port (e.g. one an app already exports to while nothing listened); default: one the OS picks. */
  port?: number;
}

export async function startOtlpReceiver({ port = 0 }: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const logs: ReceivedLogRecord[] = [];
  const requests: OtlpReceiver['requests'] = [];

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({ path, contentType: req.headers['content-type'], contentEncoding: req.headers['content-encoding'] });
    readBody(req)
      .then((body) => {
        if (req.method !== 'POST' || !['/v1/traces', '/v1/metrics', '/v1/logs'].includes(path)) {
          res.writeHead(404).end();
          return;
        }
        if (!(req.headers['content-type'] ?? '').includes('json')) {
          res.writeHead(415, { 'content-type': 'application/json' }).end('{"message":"only OTLP/JSON is accepted"}');
          return;
        }
        const json = JSON.parse(body.toString('utf8')) as OtlpBody;
        if (path === '/v1/traces') spans.push(...decodeTraces(json));
        else if (path === '/v1/metrics') metrics.push(...decodeMetrics(json));
        else logs.push(...decodeLogs(json));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      })
      .catch((error: unknown) => {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
    },
    spans,
    metrics,
    logs,
    requests,
    waitForSpans: (select, options) => waitFor(() => select(spans), { what: 'spans', ...options }),
    waitForMetrics: (select, options) => waitFor(() => select(metrics), { what: 'metrics', ...options }),
    waitForLogs: (select, options) => waitFor(() => select(logs), { what: 'log records', ...options }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
