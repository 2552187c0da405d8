/**
 * Buffers rows per table and writes them in batches: when a table holds `maxRows`, every
 * `flushIntervalMs`, and on flush()/close(). Memory is bounded by `maxBytes` (rows buffered plus rows
 * being inserted); past it new rows are dropped and counted, so a slow or dead store never blocks or
 * grows the application. Failed inserts are counted and reported, not retried: the next batch goes on.
 *
 * Rows are serialised to JSON once, on write: that text is both the byte count and, for stores that take
 * JSONEachRow text (insertJson, the embedded chDB store), the payload, so an insert needs no second pass
 * over the rows, and the event loop pays for serialisation in exporter-sized slices instead of one long
 * stall per batch (10,000 rows took hundreds of ms on the main thread).
 */
import type { Store } from './store.js';

export interface BatchWriterOptions {
  maxRows?: number;
  maxBytes?: number;
  flushIntervalMs?: number;
  /** Told about each failed insert (the rows are lost). */
  onError?: (error: unknown, table: string, rows: number) => void;
}

export interface WriterStats {
  /** Rows inserted. */
  written: number;
  /** Rows refused because the buffer was full or the writer closed. */
  dropped: number;
  /** Rows lost to failed inserts. */
  failed: number;
  bufferedRows: number;
  bufferedBytes: number;
}

interface Pending {
  /** The rows as JSON lines when the store takes JSONEachRow text, else the row objects. */
  rows: Array<string | object>;
  bytes: number;
}

export class BatchWriter {
  readonly #store: Store;
  readonly #maxRows: number;
  readonly #maxBytes: number;
  readonly #onError: NonNullable<BatchWriterOptions['onError']>;
  readonly #pending = new Map<string, Pending>();
  readonly #timer: NodeJS.Timeout;
  #inFlight: Promise<void> = Promise.resolve();
  #bytes = 0;
  #closed = false;
  readonly #stats = { written: 0, dropped: 0, failed: 0 };

  constructor(store: Store, options: BatchWriterOptions = {}) {
    this.#store = store;
    this.#maxRows = options.maxRows ?? 10_000;
    this.#maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.#onError = options.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  /** Queues rows; returns false (and counts them as dropped) when they do not fit. Never throws. */
  write(table: string, rows: readonly object[]): boolean {
    if (rows.length === 0) return true;
    if (this.#closed || this.#bytes >= this.#maxBytes) {
      this.#stats.dropped += rows.length;
      return false;
    }
    const lines: string[] = [];
    let bytes = 0;
    try {
      for (const row of rows) {
        const line = JSON.stringify(row);
        lines.push(line);
        bytes += line.length + 1;
      }
    } catch {
      // A row that cannot be serialised (e.g. a BigInt or a cycle) loses its batch, not the app.
      this.#stats.dropped += rows.length;
      return false;
    }
    if (this.#bytes + bytes > this.#maxBytes) {
      this.#stats.dropped += rows.length;
      return false;
    }
    let pending = this.#pending.get(table);
    if (!pending) this.#pending.set(table, (pending = { rows: [], bytes: 0 }));
    for (const row of this.#store.insertJson ? lines : rows) pending.rows.push(row);
    pending.bytes += bytes;
    this.#bytes += bytes;
    if (pending.rows.length >= this.#maxRows) void this.flush();
    return true;
  }

  /** Writes everything queued so far; resolves when those rows are inserted (or counted as failed). */
  flush(): Promise<void> {
    const batches = [...this.#pending.entries()];
    this.#pending.clear();
    if (batches.length === 0) return this.#inFlight;
    // Inserts run one after another: the store sees one writer, and flush order is write order.
    this.#inFlight = this.#inFlight.then(async () => {
      for (const [table, batch] of batches) {
        try {
          await this.#insert(table, batch.rows);
          this.#stats.written += batch.rows.length;
        } catch (err) {
          this.#stats.failed += batch.rows.length;
          this.#onError(err, table, batch.rows.length);
        } finally {
          this.#bytes -= batch.bytes;
        }
      }
    });
    return this.#inFlight;
  }

  #insert(table: string, rows: Array<string | object>): Promise<void> {
    if (this.#store.insertJson) return this.#store.insertJson(table, rows.join('\n'));
    return this.#store.insert(table, rows as object[]);
  }

  /** Flushes, then refuses further rows. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.flush();
  }

  stats(): WriterStats {
    let bufferedRows = 0;
    for (const p of this.#pending.values()) bufferedRows += p.rows.length;
    return { ...this.#stats, bufferedRows, bufferedBytes: this.#bytes };
  }
}
