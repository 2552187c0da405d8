/**
 * The delivery side of the tracker: a bounded queue drained in batches, by size or on a timer, with
 * retries (exponential backoff with jitter, Retry-After honoured) and a last sendBeacon when the page
 * goes away. Sending never throws into the page.
 */
import type { TrackedEvent } from './event.js';
import { BoundedQueue } from './queue.js';
import { backoffMs, chunkBySize, sendWithBeacon, sendWithFetch, type Endpoint } from './transport.js';

export interface SenderOptions {
  endpoint: Endpoint;
  batchSize: number;
  flushIntervalMs: number;
  maxQueue: number;
  /** Attempts per event before it is given up (counted in `failed`). */
  maxRetries: number;
  sessionId: () => string;
  log: (message: string, detail?: unknown) => void;
}

export interface SenderStats {
  queued: number;
  /** Accepted by the endpoint (fetch) or handed to the browser (beacon). */
  sent: number;
  /** Refused by the endpoint (invalid key, bad batch): not retried. */
  rejected: number;
  /** Lost: pushed out of the full queue, too large to send, or out of retries. */
  dropped: number;
}

export class BatchSender {
  private readonly queue: BoundedQueue<TrackedEvent>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = 0;
  private inflight: Promise<void> | undefined;
  private attempt = 0;
  private retryAt = 0;
  private hidden = false;
  private beaconPending = false;
  private counts = { sent: 0, rejected: 0, lost: 0 };

  constructor(private readonly options: SenderOptions) {
    this.queue = new BoundedQueue(options.maxQueue);
  }

  enqueue(event: TrackedEvent): void {
    this.queue.push(event);
    // Once the page is hidden no timer may ever fire again: late events (web vitals finalised on hide)
    // go right away, those queued by one listener together (microtasks run before the next listener).
    if (this.hidden) this.beaconSoon();
    else if (this.queue.length >= this.options.batchSize && Date.now() >= this.retryAt) void this.flush();
    else this.schedule(this.options.flushIntervalMs);
  }

  /** Sends everything queued now (fetch); resolves when done or deferred by a pending retry. */
  flush(): Promise<void> {
    this.inflight ??= this.drain().finally(() => {
      this.inflight = undefined;
      if (this.queue.length > 0) this.schedule(Math.max(0, this.retryAt - Date.now()) || this.options.flushIntervalMs);
    });
    return this.inflight;
  }

  /** The page is going away: hand everything to sendBeacon (fetch keepalive where a beacon is refused). */
  pageHidden(): void {
    this.hidden = true;
    this.cancelTimer();
    this.sendBeacons();
  }

  pageShown(): void {
    this.hidden = false;
    if (this.queue.length > 0) this.schedule(this.options.flushIntervalMs);
  }

  /** The network is back (window "online"): no reason to sit out the rest of a backoff. */
  retryNow(): void {
    this.retryAt = 0;
    if (this.queue.length > 0 && !this.hidden) void this.flush();
  }

  /** Forgets everything queued (consent withdrawn). */
  clear(): void {
    this.queue.clear();
    this.cancelTimer();
  }

  stats(): SenderStats {
    const { sent, rejected, lost } = this.counts;
    return { queued: this.queue.length, sent, rejected, dropped: lost + this.queue.dropped };
  }

  private async drain(): Promise<void> {
    const { endpoint, batchSize, log } = this.options;
    while (this.queue.length > 0 && Date.now() >= this.retryAt) {
      const { chunks, oversized } = chunkBySize(this.queue.take(batchSize));
      this.lose(oversized, 'too large to send');
      for (let i = 0; i < chunks.length; i++) {
        const batch = chunks[i]!;
        const outcome = await sendWithFetch(endpoint, { batch, sentAt: new Date().toISOString() }, this.options.sessionId());
        if (outcome.kind === 'sent') {
          this.counts.sent += batch.length;
          this.attempt = 0;
        } else if (outcome.kind === 'rejected') {
          this.counts.rejected += batch.length;
          log(`batch of ${batch.length} rejected with HTTP ${outcome.status}`);
        } else {
          this.retryLater(chunks.slice(i).flat(), outcome.retryAfterMs);
          return;
        }
      }
    }
  }

  private retryLater(events: TrackedEvent[], retryAfterMs: number | undefined): void {
    const { maxRetries, log } = this.options;
    const keep: TrackedEvent[] = [];
    const spent: TrackedEvent[] = [];
    for (const e of events) {
      const retryCount = (e.metadata?.retryCount ?? 0) + 1;
      if (retryCount > maxRetries) spent.push(e);
      else keep.push(e.metadata ? { ...e, metadata: { ...e.metadata, retryCount } } : e);
    }
    this.lose(spent, 'out of retries');
    this.queue.requeue(keep);
    const delay = Math.max(retryAfterMs ?? 0, backoffMs(this.attempt++));
    this.retryAt = Date.now() + delay;
    log(`send failed; ${keep.length} events retried in ${Math.round(delay)} ms`);
  }

  private beaconSoon(): void {
    if (this.beaconPending) return;
    this.beaconPending = true;
    queueMicrotask(() => {
      this.beaconPending = false;
      this.sendBeacons();
    });
  }

  private sendBeacons(): void {
    const { endpoint } = this.options;
    const { chunks, oversized } = chunkBySize(this.queue.take(this.queue.length));
    this.lose(oversized, 'too large to send');
    for (const batch of chunks) {
      const body = { batch, sentAt: new Date().toISOString() };
      // A refused beacon (quota) still has keepalive fetch, which also survives the page.
      if (!sendWithBeacon(endpoint, body)) void sendWithFetch(endpoint, body, this.options.sessionId());
      this.counts.sent += batch.length;
    }
  }

  private schedule(delayMs: number): void {
    const due = Date.now() + delayMs;
    if (this.timer !== undefined && this.timerDue <= due) return;
    this.cancelTimer();
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private lose(events: TrackedEvent[], why: string): void {
    if (events.length === 0) return;
    this.counts.lost += events.length;
    this.options.log(`${events.length} events dropped: ${why}`);
  }
}
