/**
 * Value formats of the collector's clickhouseexporter, so rows written in-process are indistinguishable
 * from rows the collector writes: attribute values as pdata's Value.AsString(), times as DateTime64(9).
 */
import type { AnyValue, Attributes, HrTime } from '@opentelemetry/api';

/** Go's encoding/json escapes these; pdata renders maps and arrays with it. */
function goJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** pdata Value.AsString(): strings as-is, numbers and booleans printed, bytes base64, arrays/maps JSON, empty ''. */
export function valueString(value: AnyValue | unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return goJson(value);
}

/** An attribute set as the Map(LowCardinality(String), String) the exporter writes; unset values dropped. */
export function attributeMap(attributes: Attributes | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!attributes) return out;
  // for-in over the record's own plain object: no entry arrays per attribute (this runs for every event).
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined && Object.hasOwn(attributes, key)) out[key] = typeof value === 'string' ? value : valueString(value);
  }
  return out;
}

const resourceMaps = new WeakMap<Attributes, Readonly<Record<string, string>>>();

/**
 * attributeMap() of a resource, computed once per attributes object: every record of a process shares one
 * resource, and its ~20 attributes were most of a row's conversion cost. Rows share the (frozen) result.
 */
export function resourceMap(attributes: Attributes): Readonly<Record<string, string>> {
  let map = resourceMaps.get(attributes);
  if (!map) {
    map = Object.freeze(attributeMap(attributes));
    resourceMaps.set(attributes, map);
  }
  return map;
}

/** A DateTime64(9) input that does not depend on the server's time zone: epoch seconds with 9 decimals. */
export function epochNanos(time: HrTime): string {
  return `${time[0]}.${String(time[1]).padStart(9, '0')}`;
}

/** Nanoseconds between two times (safe as a number for spans shorter than about 104 days). */
export function durationNanos(start: HrTime, end: HrTime): number {
  return Math.max(0, (end[0] - start[0]) * 1e9 + (end[1] - start[1]));
}

export function serviceName(resourceAttributes: Attributes): string {
  return valueString(resourceAttributes['service.name']);
}
