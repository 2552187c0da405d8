/** Extract: pages through the source organisation's Accounts, one API call per batch. */
import type { SourceAccount } from './dataset.js';
import { batchCount, type PhaseContext, type PhaseRun } from './phase.js';

export async function extract(ctx: PhaseContext): Promise<PhaseRun<SourceAccount[]>> {
  const total = ctx.info.recordsIn;
  const { batchSize } = ctx.info.run;
  const batches = batchCount(total, batchSize);
  const records: SourceAccount[] = [];
  for (let batch = 0; batch < batches; batch++) {
    ctx.signal.throwIfAborted();
    const offset = batch * batchSize;
    const page = await ctx.api.query(
      { offset, limit: Math.min(batchSize, total - offset) },
      { signal: ctx.signal, simulateOutage: batch === ctx.outageAt },
    );
    for (const record of page) records.push(record);
    await ctx.report({ batch, batches, recordsProcessed: records.length, recordsFailed: 0, failureReasons: {} });
  }
  return { output: records, recordsProcessed: records.length, recordsFailed: 0, failureReasons: {} };
}
