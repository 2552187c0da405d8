/** Event properties made JSON-safe key by key, so one odd value never costs the others. */
import type { Properties, PropertyValue } from './event.js';

const replacer = (_key: string, value: unknown): unknown => (value instanceof Error ? { name: value.name, message: value.message } : value);

export function toProperties(input: unknown, warn: (message: string) => void): Properties | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'object' || Array.isArray(input)) {
    warn('properties must be a plain object; they were left out');
    return undefined;
  }
  const out: Properties = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    try {
      const json = JSON.stringify(value, replacer);
      if (json !== undefined) out[key] = JSON.parse(json) as PropertyValue;
    } catch {
      // Cycles and BigInt: keep what String() makes of it rather than losing the key.
      warn(`property "${key}" is not JSON-serialisable; it was sent as a string`);
      out[key] = String(value);
    }
  }
  return out;
}
