/**
 * A stand-in for the Salesforce REST API of the source and target organisations: no network, just latency
 * and the answers a real org would give (query pages; per-record upsert results with Salesforce status codes).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dataset, SourceAccount } from './dataset.js';
import { INACTIVE_OWNER_ID } from './dataset.js';
import type { ApiOperation } from './hooks.js';

export interface TargetAccount {
  External_Id__c: string;
  Name: string;
  Industry: string;
  Phone: string;
  BillingCountryCode: string;
  AnnualRevenue: number;
  OwnerId: string;
}

export interface UpsertResult {
  externalId: string;
  success: boolean;
  created: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
}

/** Simulated latency of one call: base plus per record, with up to 50% random jitter. */
export interface ApiLatency {
  baseMs: number;
  perRecordMs: number;
}

export const DEFAULT_API_LATENCY: ApiLatency = { baseMs: 4, perRecordMs: 0.02 };

export interface CallOptions {
  signal?: AbortSignal;
  /** Make this call fail like an org-side outage (for demoing failed runs). */
  simulateOutage?: boolean;
}

export class SalesforceApiError extends Error {
  constructor(
    readonly operation: ApiOperation,
    readonly statusCode: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
    this.name = 'SalesforceApiError';
  }
}

export interface SalesforceApi {
  /** One page of `SELECT ... FROM Account` in the source organisation. */
  query(page: { offset: number; limit: number }, options?: CallOptions): Promise<SourceAccount[]>;
  /** Upserts Accounts on External_Id__c in the target organisation; one result per record, in order. */
  upsert(records: TargetAccount[], options?: CallOptions): Promise<UpsertResult[]>;
}

export function simulatedSalesforce(dataset: Dataset, latency: ApiLatency = DEFAULT_API_LATENCY): SalesforceApi {
  const respond = async (operation: ApiOperation, records: number, options: CallOptions = {}) => {
    const ms = (latency.baseMs + latency.perRecordMs * records) * (1 + Math.random() * 0.5);
    if (ms > 0) await sleep(ms, undefined, { signal: options.signal });
    options.signal?.throwIfAborted();
    if (options.simulateOutage) {
      throw new SalesforceApiError(operation, 'SERVER_UNAVAILABLE', 503, `Salesforce ${operation} failed: SERVER_UNAVAILABLE (503)`);
    }
  };
  return {
    async query(page, options) {
      await respond('query', page.limit, options);
      return dataset.slice(page.offset, page.limit);
    },
    async upsert(records, options) {
      await respond('upsert', records.length, options);
      return records.map((record) =>
        record.OwnerId === INACTIVE_OWNER_ID
          ? {
              externalId: record.External_Id__c,
              success: false,
              created: false,
              errors: [{ statusCode: 'INACTIVE_OWNER_OR_USER', message: 'operation performed with inactive user', fields: ['OwnerId'] }],
            }
          : { externalId: record.External_Id__c, success: true, created: true, errors: [] },
      );
    },
  };
}
