/**
 * Errors raised by a call to another system (a Salesforce API call, a payment provider, ...) carry the
 * system and operation on a symbol property, so the classifier files them under external_service however
 * generic the error itself is. A property on the error, not a registry: nothing to leak or to clean up.
 */
const EXTERNAL = Symbol.for('tc9.external_service');

export interface ExternalCall {
  system: string;
  operation: string;
}

/** Marks an error as coming from a call to `system`; returns the same error. Non-objects are left as they are. */
export function markExternalServiceError<T>(error: T, call: ExternalCall): T {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error) && !(EXTERNAL in error)) {
    Object.defineProperty(error, EXTERNAL, { value: call, enumerable: false, configurable: true });
  }
  return error;
}

export function externalServiceOf(error: unknown): ExternalCall | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [EXTERNAL]?: ExternalCall })[EXTERNAL];
}

/**
 * Runs a call to another system; an error it throws is marked as external_service (see captureError) and
 * rethrown unchanged.
 */
export async function withExternalService<T>(system: string, operation: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw markExternalServiceError(error, { system, operation });
  }
}
