/**
 * Transform: maps source Accounts onto the target organisation's shape (external id for upserts, E.164 phone,
 * ISO country code) and rejects records that would not pass the target's validation. No API calls.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { SourceAccount } from './dataset.js';
import { batchCount, countReason, type PhaseContext, type PhaseRun } from './phase.js';
import type { TargetAccount } from './salesforce.js';

const COUNTRY_CODES: Record<string, string> = {
  'United Kingdom': 'GB',
  Germany: 'DE',
  France: 'FR',
  'United States': 'US',
  Japan: 'JP',
  Australia: 'AU',
  Ireland: 'IE',
};

/** A whole batch could not be transformed (e.g. a broken field mapping); the run stops. */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

export type TransformResult = { ok: true; record: TargetAccount } | { ok: false; statusCode: string; field: string };

export function toTargetAccount(source: SourceAccount): TransformResult {
  if (source.Name.trim() === '') return { ok: false, statusCode: 'REQUIRED_FIELD_MISSING', field: 'Name' };
  const country = COUNTRY_CODES[source.BillingCountry];
  if (country === undefined) return { ok: false, statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', field: 'BillingCountry' };
  return {
    ok: true,
    record: {
      External_Id__c: source.Id,
      Name: source.Name.trim(),
      Industry: source.Industry,
      Phone: `+1${source.Phone.replace(/\D/g, '')}`,
      BillingCountryCode: country,
      AnnualRevenue: source.AnnualRevenue,
      OwnerId: source.OwnerId,
    },
  };
}

export async function transform(ctx: PhaseContext, records: SourceAccount[]): Promise<PhaseRun<TargetAccount[]>> {
  const { batchSize } = ctx.info.run;
  const batches = batchCount(records.length, batchSize);
  const output: TargetAccount[] = [];
  const failureReasons: Record<string, number> = {};
  let failed = 0;
  for (let batch = 0; batch < batches; batch++) {
    ctx.signal.throwIfAborted();
    if (batch === ctx.outageAt) {
      throw new TransformError(`field mapping failed in batch ${batch + 1} of ${batches}: no target field for Account.Industry`);
    }
    for (const source of records.slice(batch * batchSize, (batch + 1) * batchSize)) {
      const result = toTargetAccount(source);
      if (result.ok) {
        output.push(result.record);
      } else {
        failed++;
        countReason(failureReasons, result.statusCode);
      }
    }
    await ctx.report({ batch, batches, recordsProcessed: output.length, recordsFailed: failed, failureReasons });
    // CPU-bound work: let requests (status polls) through between batches.
    await yieldToEventLoop();
  }
  return { output, recordsProcessed: output.length, recordsFailed: failed, failureReasons };
}
