/**
 * One spooled batch as text: the log records' own fields (not the OTLP request body), so a replay goes
 * through the same OTLP exporter as a live export (its URL, headers, retries) and sends exactly the
 * request it would have sent. Resources and scopes are stored once per batch and shared again on
 * decoding: the OTLP transformer groups records by the identity of those objects.
 *
 * Byte arrays (an AnyValue may hold a Uint8Array) become { "$tc9.bytes": "<base64>" }.
 */
import type { AnyValue, Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';

export const FORMAT_VERSION = 1;
const BYTES = '$tc9.bytes';

type Scope = ReadableLogRecord['instrumentationScope'];

interface StoredResource {
  attributes: Attributes;
  schemaUrl?: string;
}

interface StoredRecord {
  /** Index into resources and scopes. */
  r: number;
  s: number;
  t: HrTime;
  o: HrTime;
  c?: SpanContext;
  sn?: number;
  st?: string;
  b?: AnyValue;
  e?: string;
  a: Attributes;
  d: number;
}

interface StoredBatch {
  v: number;
  resources: StoredResource[];
  scopes: Scope[];
  records: StoredRecord[];
}

/** A spool file that is not a batch of this format (foreign, or damaged outside our control). */
export class SpoolFormatError extends Error {
  constructor(message: string) {
    super(`not a spooled batch: ${message}`);
    this.name = 'SpoolFormatError';
  }
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  // `this[key]` is the value before toJSON: a Buffer would otherwise arrive as { type, data }.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array)
    return { [BYTES]: Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64') };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const bytes = (value as Record<string, unknown>)[BYTES];
    if (typeof bytes === 'string' && Object.keys(value).length === 1) return new Uint8Array(Buffer.from(bytes, 'base64'));
  }
  return value;
}

export function encodeBatch(records: readonly ReadableLogRecord[]): string {
  const resources = new Map<Resource, number>();
  const scopes = new Map<Scope, number>();
  const indexOf = <K>(map: Map<K, number>, key: K) => {
    let i = map.get(key);
    if (i === undefined) {
      i = map.size;
      map.set(key, i);
    }
    return i;
  };
  const stored: StoredRecord[] = records.map((record) => {
    const out: StoredRecord = {
      r: indexOf(resources, record.resource),
      s: indexOf(scopes, record.instrumentationScope),
      t: record.hrTime,
      o: record.hrTimeObserved,
      a: record.attributes,
      d: record.droppedAttributesCount,
    };
    if (record.spanContext) {
      const { traceId, spanId, traceFlags } = record.spanContext;
      out.c = { traceId, spanId, traceFlags };
    }
    if (record.severityNumber !== undefined) out.sn = record.severityNumber;
    if (record.severityText !== undefined) out.st = record.severityText;
    if (record.body !== undefined) out.b = record.body;
    if (record.eventName !== undefined) out.e = record.eventName;
    return out;
  });
  const batch: StoredBatch = {
    v: FORMAT_VERSION,
    resources: [...resources.keys()].map((r) =>
      r.schemaUrl ? { attributes: r.attributes, schemaUrl: r.schemaUrl } : { attributes: r.attributes },
    ),
    scopes: [...scopes.keys()].map((s) => ({ ...s })),
    records: stored,
  };
  return JSON.stringify(batch, replacer);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isHrTime = (v: unknown): v is HrTime => Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number');

/** Throws SpoolFormatError for anything but a complete batch of this format. */
export function decodeBatch(text: string): ReadableLogRecord[] {
  let batch: unknown;
  try {
    batch = JSON.parse(text, reviver);
  } catch (error) {
    throw new SpoolFormatError(error instanceof Error ? error.message : String(error));
  }
  if (!isObject(batch) || batch.v !== FORMAT_VERSION) throw new SpoolFormatError(`expected format version ${FORMAT_VERSION}`);
  const { resources, scopes, records } = batch as unknown as StoredBatch;
  if (!Array.isArray(resources) || !Array.isArray(scopes) || !Array.isArray(records))
    throw new SpoolFormatError('resources, scopes or records missing');
  const resourceObjects = resources.map((r) => {
    if (!isObject(r) || !isObject(r.attributes)) throw new SpoolFormatError('a resource without attributes');
    return resourceFromAttributes(r.attributes, r.schemaUrl ? { schemaUrl: r.schemaUrl } : {});
  });
  for (const s of scopes) if (!isObject(s) || typeof s.name !== 'string') throw new SpoolFormatError('a scope without a name');
  return records.map((r, i) => {
    const resource = resourceObjects[r?.r];
    const scope = scopes[r?.s];
    if (!isObject(r) || !resource || !scope || !isHrTime(r.t) || !isHrTime(r.o) || !isObject(r.a)) {
      throw new SpoolFormatError(`record ${i} is incomplete`);
    }
    const record: { -readonly [K in keyof ReadableLogRecord]: ReadableLogRecord[K] } = {
      hrTime: r.t,
      hrTimeObserved: r.o,
      resource,
      instrumentationScope: scope,
      attributes: r.a,
      droppedAttributesCount: typeof r.d === 'number' ? r.d : 0,
    };
    if (r.c) record.spanContext = r.c;
    if (r.sn !== undefined) record.severityNumber = r.sn;
    if (r.st !== undefined) record.severityText = r.st;
    if (r.b !== undefined) record.body = r.b;
    if (r.e !== undefined) record.eventName = r.e;
    return record;
  });
}
