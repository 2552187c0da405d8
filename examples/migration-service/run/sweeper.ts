/**
 * The service's scheduled job: runs left queued or running by a process that is gone (a crash, a deploy
 * that killed it) would stay so forever; every interval, those this process is not executing and that are
 * older than `staleAfterMs` are marked failed. Each sweep is a monitored job (tc9-observability monitor():
 * a monitor.run span, run and duration metrics, missed-run detection, Sentry check-ins when Sentry is on).
 */
import { monitor, type MonitoredJob } from 'tc9-observability';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { RunScheduler } from './scheduler.js';

export const SWEEPER_SLUG = 'migration-run-sweeper';

export interface SweeperOptions {
  /** Time between sweeps. */
  intervalMs: number;
  /** A run queued or running for longer than this without being in flight here counts as abandoned. */
  staleAfterMs: number;
}

export const DEFAULT_SWEEPER: SweeperOptions = { intervalMs: 60_000, staleAfterMs: 15 * 60_000 };

export class RunSweeper {
  /** One sweep; resolves to the number of runs marked failed. Can be called at any time (tests, admin). */
  readonly sweep: MonitoredJob<[], number>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly scheduler: RunScheduler,
    private readonly options: SweeperOptions = DEFAULT_SWEEPER,
  ) {
    this.sweep = monitor(
      { slug: SWEEPER_SLUG, schedule: { intervalMs: options.intervalMs }, maxRuntimeMs: Math.max(options.intervalMs, 1000) },
      () => this.markAbandoned(),
    );
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // The monitor has recorded the failure (span, metric, captureError); the next sweep tries again.
      this.sweep().catch(() => undefined);
    }, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sweep.stop();
  }

  private async markAbandoned(): Promise<number> {
    const cutoff = new Date(Date.now() - this.options.staleAfterMs);
    const { count } = await this.prisma.migrationRun.updateMany({
      where: { status: { in: ['queued', 'running'] }, createdAt: { lt: cutoff }, id: { notIn: this.scheduler.runIds() } },
      data: { status: 'failed', error: 'abandoned: no process was executing it', finishedAt: new Date() },
    });
    return count;
  }
}
