/** What every phase gets from the executor, and what it hands back. */
import type { BatchProgress, PhaseInfo } from './hooks.js';
import type { SalesforceApi } from './salesforce.js';

export interface PhaseContext {
  info: PhaseInfo;
  /** The simulated Salesforce API; its calls already go through the apiCall hook. */
  api: SalesforceApi;
  signal: AbortSignal;
  /** Batch index at which this phase breaks down (the run's failAt option), if it should. */
  outageAt: number | undefined;
  /** Stores the phase's cumulative counts after a batch (the run's progress). Copies what it keeps. */
  report(progress: BatchProgress): Promise<void>;
}

export interface PhaseRun<T> {
  /** What the next phase receives. */
  output: T;
  recordsProcessed: number;
  recordsFailed: number;
  /** Failed records by Salesforce-style status code, e.g. { REQUIRED_FIELD_MISSING: 3 }. */
  failureReasons: Record<string, number>;
}

export function batchCount(records: number, batchSize: number): number {
  return Math.ceil(records / batchSize);
}

export function countReason(reasons: Record<string, number>, code: string): void {
  reasons[code] = (reasons[code] ?? 0) + 1;
}
