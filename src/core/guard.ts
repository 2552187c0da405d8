import { diag } from '@opentelemetry/api';

/**
 * Runs one step of recording telemetry so that its failure cannot reach the app: reporting an error, a job run
 * or a check-in must never throw another. The failure goes to OTel's diag logger as
 * "tc9-observability: <failure>" with the error; the result is undefined then.
 */
export function guard<T>(failure: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    diag.error(`tc9-observability: ${failure}`, error);
    return undefined;
  }
}
