/**
 * A local stand-in for Sentry's OTLP trace intake: POST /api/<project>/integration/otlp/v1/traces on 127.0.0.1
 * (port chosen by the OS), the shape Sentry documents and our collector's otlp_http/sentry exporter sends
 * (protobuf, gzip, `x-sentry-auth: sentry sentry_key=<public key>`).
 *
 * Requests without the right key are answered 401 and not decoded, so a test sees an auth mistake as missing data
 * (and in `rejected`). Bodies are decoded with protobufjs code generated from the OTLP .proto files (shipped in
 * @opentelemetry/otlp-transformer 0.205, installed as the dev dependency otlp-transformer-protobufjs), not by hand.
 */
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { waitFor, type WaitOptions } from './otlp-receiver.js';

const require = createRequire(import.meta.url);
const root = require('otlp-transformer-protobufjs/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType } } } } };
};
interface ProtoType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

export type Attributes = Record<string, unknown>;

export interface SentrySpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  attributes: Attributes;
  events: { name: string; attributes: Attributes }[];
  resource: Attributes;
}

export interface SentryOtlpReceiver {
  /** What SENTRY_OTLP_TRACES_ENDPOINT takes: http://127.0.0.1:PORT/api/<project>/integration/otlp/v1/traces */
  tracesEndpoint: string;
  publicKey: string;
  spans: SentrySpan[];
  /** Raw decoded bodies as text, every string in them: for "does X appear anywhere" checks. */
  rawTexts: string[];
  requests: { path: string; status: number; contentEncoding: string | undefined; contentType: string | undefined }[];
  rejected: number;
  waitForSpans<T>(select: (spans: SentrySpan[]) => T | undefined | false | null, options?: WaitOptions): Promise<T>;
  close(): Promise<void>;
}

type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
};
type KeyValue = { key: string; value?: AnyValue };

function value(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  if (v.kvlistValue) return attributes(v.kvlistValue.values);
  return v.bytesValue;
}
function attributes(list: KeyValue[] | undefined): Attributes {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));
}

interface DecodedRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId?: string;
        spanId?: string;
        parentSpanId?: string;
        name?: string;
        attributes?: KeyValue[];
        status?: { code?: number; message?: string };
        events?: { name?: string; attributes?: KeyValue[] }[];
      }[];
    }[];
  }[];
}

const hex = (b64: string | undefined) => (b64 ? Buffer.from(b64, 'base64').toString('hex') : '');

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startSentryOtlpReceiver({ project = '4242', publicKey = 'tc9-test-public-key' } = {}): Promise<SentryOtlpReceiver> {
  const spans: SentrySpan[] = [];
  const rawTexts: string[] = [];
  const requests: SentryOtlpReceiver['requests'] = [];
  let rejected = 0;
  const path = `/api/${project}/integration/otlp/v1/traces`;

  const server = createServer(async (req, res) => {
    const record = (status: number) => {
      requests.push({
        path: req.url ?? '',
        status,
        contentEncoding: req.headers['content-encoding'],
        contentType: req.headers['content-type'],
      });
      res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
    };
    try {
      const body = await readBody(req);
      if (req.method !== 'POST' || req.url !== path) return record(404);
      if (req.headers['x-sentry-auth'] !== `sentry sentry_key=${publicKey}`) {
        rejected++;
        return record(401);
      }
      if (!String(req.headers['content-type']).startsWith('application/x-protobuf')) return record(415);
      const bytes = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      const decoded = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
        longs: String,
        bytes: String,
        defaults: false,
        arrays: true,
      }) as DecodedRequest;
      rawTexts.push(JSON.stringify(decoded));
      for (const rs of decoded.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: hex(s.parentSpanId),
              name: s.name ?? '',
              status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
              attributes: attributes(s.attributes),
              events: (s.events ?? []).map((e) => ({ name: e.name ?? '', attributes: attributes(e.attributes) })),
              resource,
            });
          }
        }
      }
      // An empty ExportTraceServiceResponse is an empty protobuf message.
      record(200);
    } catch (error) {
      requests.push({
        path: req.url ?? '',
        status: 400,
        contentEncoding: req.headers['content-encoding'],
        contentType: req.headers['content-type'],
      });
      res.writeHead(400).end(String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    tracesEndpoint: `http://127.0.0.1:${port}${path}`,
    publicKey,
    spans,
    rawTexts,
    requests,
    get rejected() {
      return rejected;
    },
    waitForSpans: (select, options) => waitFor(() => select(spans), { what: 'spans at the Sentry OTLP endpoint', ...options }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
