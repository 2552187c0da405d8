/** A FIFO with a size bound: when full, the oldest items go first, and they are counted. */
export class BoundedQueue<T> {
  private items: T[] = [];
  dropped = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    this.trim();
  }

  /** Puts items back at the front (a batch that failed to send), still within the bound. */
  requeue(items: T[]): void {
    this.items = items.concat(this.items);
    this.trim();
  }

  take(n: number): T[] {
    return this.items.splice(0, n);
  }

  clear(): void {
    this.items = [];
  }

  private trim(): void {
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.items.splice(0, excess);
      this.dropped += excess;
    }
  }
}
