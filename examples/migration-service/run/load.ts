/** Load: upserts the transformed Accounts into the target organisation, one API call per batch. */
import { batchCount, countReason, type PhaseContext, type PhaseRun } from './phase.js';
import type { TargetAccount } from './salesforce.js';

export async function load(ctx: PhaseContext, records: TargetAccount[]): Promise<PhaseRun<number>> {
  const { batchSize } = ctx.info.run;
  const batches = batchCount(records.length, batchSize);
  const failureReasons: Record<string, number> = {};
  let loaded = 0;
  let failed = 0;
  for (let batch = 0; batch < batches; batch++) {
    ctx.signal.throwIfAborted();
    const results = await ctx.api.upsert(records.slice(batch * batchSize, (batch + 1) * batchSize), {
      signal: ctx.signal,
      simulateOutage: batch === ctx.outageAt,
    });
    for (const result of results) {
      if (result.success) {
        loaded++;
      } else {
        failed++;
        countReason(failureReasons, result.errors[0]?.statusCode ?? 'UNKNOWN_EXCEPTION');
      }
    }
    await ctx.report({ batch, batches, recordsProcessed: loaded, recordsFailed: failed, failureReasons });
  }
  return { output: loaded, recordsProcessed: loaded, recordsFailed: failed, failureReasons };
}
