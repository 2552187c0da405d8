/**
 * Runs migrations in the background of the HTTP service: POST /projects/:id/runs answers 202 at once and the run
 * proceeds here. Keeps track of runs in flight so the service can cancel and await them on shutdown.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import { executeRun, type ExecutorDeps } from './executor.js';

export type RunErrorListener = (err: unknown, runId: string) => void;

export class RunScheduler {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly deps: Omit<ExecutorDeps, 'signal'>,
    private readonly onError: RunErrorListener,
  ) {}

  /** Number of runs in flight. */
  get active(): number {
    return this.inFlight.size;
  }

  /** Ids of the runs in flight. */
  runIds(): string[] {
    return [...this.inFlight.keys()];
  }

  start(runId: string): void {
    if (this.shutdown.signal.aborted) throw new Error('migration-service: shutting down, not starting new runs');
    const run = (async () => {
      // Let the 202 response go out before the run's first queries.
      await nextTick();
      await executeRun(runId, { ...this.deps, signal: this.shutdown.signal });
    })()
      .catch(async (err: unknown) => {
        this.onError(err, runId);
        const message = err instanceof Error ? err.message : String(err);
        await this.deps.store.markFailed(runId, `executor error: ${message}`).catch(() => undefined);
      })
      .finally(() => this.inFlight.delete(runId));
    this.inFlight.set(runId, run);
  }

  /** Resolves when every run started so far has ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Cancels runs in flight (they end as 'cancelled' between two batches) and waits for them. */
  async close(reason = 'service shutting down'): Promise<void> {
    this.shutdown.abort(new Error(reason));
    await this.idle();
  }
}
