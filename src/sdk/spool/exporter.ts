/**
 * A LogRecordExporter that keeps what the collector cannot take in a disk spool and sends it later.
 *
 * - Up (the normal state): each batch goes to the inner (OTLP) exporter. If that fails in a way a later
 *   attempt may fix (connection refused, timeout, 429, 5xx), the batch is written to the spool and the
 *   exporter goes down. A batch refused as invalid (other 4xx) is passed on as failed: it would be
 *   refused again.
 * - Down: batches go straight to the spool, so the batch processor's queue drains at disk speed instead
 *   of waiting on a dead collector (and overflowing in memory). A timer replays the oldest spooled batch
 *   with exponential backoff; once one goes through, the exporter is up again and replays the rest, oldest
 *   first, each file deleted after its successful replay.
 * - At start, batches an earlier process left are replayed at once.
 *
 * Delivery is at least once: a batch whose replay succeeded just before a crash, before its file was
 * deleted, is sent again by the next start. Order: spooled batches are sent after newer live ones once
 * the collector is back; every record carries its own timestamp.
 *
 * When the spool is full the newest batches are dropped (not the oldest): the spool then holds the
 * beginning of the outage without gaps, sessions and funnels in it stay whole, and a full spool costs no
 * deletes or rewrites. Drops are counted (tc9.spool.dropped) and reported (see overflow.ts).
 *
 * The batch processor is always answered success for a spooled or dropped batch, so the export-failure
 * reporter upstream reports only what is truly lost (e.g. an unwritable spool); the spool reports its own
 * outage once per interval.
 */
import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describeError, toError } from '../../core/errors.js';
import type { SpoolDirectory } from './directory.js';
import { isPermanent } from './failure.js';
import { decodeBatch, encodeBatch } from './format.js';
import { SpoolOverflow } from './overflow.js';

export interface SpoolingOptions {
  /** "logs export to http://collector:4318/v1/logs", as messages name it. */
  what: string;
  /** An inner export not answered within this counts as failed (the batch is spooled; a late answer is ignored). */
  exportTimeoutMs: number;
  /** Backoff of the replay attempts while down: from retryMinMs (default 1 s, at most retryMaxMs), doubling up to retryMaxMs. */
  retryMaxMs: number;
  retryMinMs?: number;
  /** Outages and drops are reported at most once per interval. */
  reportIntervalMs: number;
  /** Spool writes under way at most; beyond it a batch is dropped (the disk is slower than the app). Default 4. */
  maxPendingWrites?: number;
}

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

export class SpoolingLogExporter implements LogRecordExporter {
  private state: 'up' | 'down' = 'up';
  /** Undefined until the spool directory is open; null when it could not be opened (then we pass through). */
  private dir: SpoolDirectory | null | undefined;
  private readonly opened: Promise<void>;
  private readonly overflow: SpoolOverflow;
  private readonly pendingWrites = new Set<Promise<void>>();
  private draining: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  private lastOutageReportAt: number | undefined;
  private outagesUnreported = 0;

  constructor(
    private readonly inner: LogRecordExporter,
    spool: Promise<SpoolDirectory>,
    private readonly options: SpoolingOptions,
  ) {
    this.overflow = new SpoolOverflow(
      () => `log spool ${this.dir?.path ?? '(not open)'} (max ${this.dir?.maxBytes ?? '?'} bytes)`,
      options.reportIntervalMs,
    );
    this.opened = spool.then(
      (dir) => {
        this.dir = dir;
        if (dir.batches > 0) {
          diag.info(`tc9-observability: replaying ${dir.batches} log batches an earlier process left in ${dir.path}`);
          void this.drain();
        }
      },
      (error: unknown) => {
        this.dir = null;
        diag.error(
          `tc9-observability: the log spool cannot be used, log records the collector does not take are lost: ${describeError(error)}`,
        );
      },
    );
  }

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    if (records.length === 0) {
      done(SUCCESS);
      return;
    }
    if (this.dir === null || this.closed) {
      this.inner.export(records, done);
      return;
    }
    if (this.state === 'down') {
      this.keep(records, done);
      return;
    }
    void this.send(records).then((result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.up();
        done(result);
        if (this.dir && this.dir.batches > 0) void this.drain();
      } else if (isPermanent(result.error) || this.dir === null) {
        done(result);
      } else {
        this.down(result.error);
        this.keep(records, done);
      }
    });
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.pendingWrites]);
    await this.inner.forceFlush();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await Promise.allSettled([...this.pendingWrites, this.draining]);
    this.reportOutages();
    this.overflow.close();
    if (this.dir && this.dir.batches > 0) {
      diag.warn(`tc9-observability: ${this.dir.batches} log batches stay in the spool ${this.dir.path}; the next start sends them`);
    }
    await this.inner.shutdown();
  }

  /**
   * The inner exporter's attempt failed; it may still be retrying. A failure a later attempt may fix means an
   * outage: go down and say so now (batches from here on go to the spool), not after the inner retries. The
   * batch in flight is spooled if it fails in the end, and brings us up again if it goes through.
   */
  attemptFailed(error: unknown): void {
    if (this.closed || !this.dir || this.state === 'down' || isPermanent(error)) return;
    this.down(error);
  }

  /** Log records dropped by the spool so far. */
  get dropped(): number {
    return this.overflow.dropped;
  }

  /** Resolves once the spool directory is open and what an earlier process left is counted. */
  ready(): Promise<void> {
    return this.opened;
  }

  /** The inner export, answered within exportTimeoutMs whatever the inner exporter does. */
  private send(records: ReadableLogRecord[]): Promise<ExportResult> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: ExportResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(
        () => settle({ code: ExportResultCode.FAILED, error: new Error(`no answer within ${this.options.exportTimeoutMs} ms`) }),
        this.options.exportTimeoutMs,
      );
      timer.unref();
      try {
        this.inner.export(records, settle);
      } catch (error) {
        settle({ code: ExportResultCode.FAILED, error: toError(error) });
      }
    });
  }

  private keep(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    if (this.pendingWrites.size >= (this.options.maxPendingWrites ?? 4)) {
      this.overflow.drop(records.length, 'full');
      done(SUCCESS);
      return;
    }
    const write = this.opened
      .then(async () => {
        if (!this.dir) return done({ code: ExportResultCode.FAILED, error: new Error('the log spool cannot be used') });
        const outcome = await this.dir.write(encodeBatch(records));
        if (outcome === 'full') this.overflow.drop(records.length, 'full');
        done(SUCCESS);
        this.scheduleRetry();
      })
      .catch((error: unknown) => {
        done({
          code: ExportResultCode.FAILED,
          error: new Error(`export failed and the batch could not be spooled: ${describeError(error)}`),
        });
      })
      .finally(() => this.pendingWrites.delete(write));
    this.pendingWrites.add(write);
  }

  /** Replays spooled batches, oldest first, until one fails or none is left. One replay at a time. */
  private drain(): Promise<void> {
    this.draining ??= this.replayAll()
      .catch((error: unknown) => diag.error(`tc9-observability: replaying the log spool failed: ${describeError(error)}`))
      .finally(() => {
        this.draining = undefined;
        this.scheduleRetry();
      });
    return this.draining;
  }

  private async replayAll(): Promise<void> {
    await this.opened;
    const dir = this.dir;
    if (!dir) return;
    while (!this.closed) {
      const batch = await dir.claimOldest();
      if (!batch) return;
      let records: ReadableLogRecord[];
      try {
        records = decodeBatch(batch.text);
      } catch (error) {
        diag.warn(`tc9-observability: removed ${batch.name} from the log spool ${dir.path}: ${describeError(error)}`);
        await dir.remove(batch);
        continue;
      }
      const result = await this.send(records);
      if (result.code === ExportResultCode.SUCCESS) {
        await dir.remove(batch);
        this.up();
      } else if (isPermanent(result.error)) {
        await dir.remove(batch);
        this.overflow.drop(records.length, 'rejected');
      } else {
        await dir.release(batch);
        this.down(result.error);
        return;
      }
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer || this.draining || this.state !== 'down' || !this.dir) return;
    if (this.dir.batches === 0) {
      // Nothing to probe with: the next live batch finds out whether the collector is back.
      this.state = 'up';
      return;
    }
    const min = Math.min(this.options.retryMinMs ?? 1000, this.options.retryMaxMs);
    const delay = Math.min(min * 2 ** this.attempt, this.options.retryMaxMs);
    this.attempt = Math.min(this.attempt + 1, 30);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.drain();
    }, delay);
    this.retryTimer.unref();
  }

  private up(): void {
    this.attempt = 0;
    if (this.state === 'up') return;
    this.state = 'up';
    this.reportOutages();
    diag.info(`tc9-observability: ${this.options.what} works again; sending ${this.dir?.batches ?? 0} spooled log batches`);
  }

  private down(error: unknown): void {
    if (this.state === 'down') return;
    this.state = 'down';
    const t = Date.now();
    if (this.lastOutageReportAt !== undefined && t - this.lastOutageReportAt < this.options.reportIntervalMs) {
      this.outagesUnreported++;
      return;
    }
    this.lastOutageReportAt = t;
    diag.warn(
      `tc9-observability: ${this.options.what} failed: ${describeError(error)}; the app is unaffected, log records are kept in ` +
        `${this.dir?.path} (at most ${this.dir?.maxBytes} bytes) and sent when it works again`,
    );
  }

  private reportOutages(): void {
    if (this.outagesUnreported === 0) return;
    diag.warn(
      `tc9-observability: ${this.options.what} failed ${this.outagesUnreported} more times since the last report; log records were spooled`,
    );
    this.outagesUnreported = 0;
  }
}
