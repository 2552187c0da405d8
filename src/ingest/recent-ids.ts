/**
 * Event ids seen lately, bounded. A tracker resends a batch whose response it never got; this drops
 * the second copy when it reaches the same process soon after.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 50_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }
}
