/**
 * Token buckets per (write key, client address), kept in memory in a bounded map: the least recently
 * seen bucket goes when the map is full, which at worst gives a long-idle client a fresh burst.
 * Per process: behind N instances the effective limit is N times higher.
 */

export interface RateLimit {
  /** Requests a client may make at once. Default 60. */
  burst?: number;
  /** Requests per second refilled. Default 10. */
  perSecond?: number;
  /** Buckets kept. Default 10 000. */
  maxClients?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perSecond: number;
  private readonly maxClients: number;

  constructor(
    limit: RateLimit = {},
    private readonly now: () => number = Date.now,
  ) {
    this.burst = limit.burst ?? 60;
    this.perSecond = limit.perSecond ?? 10;
    this.maxClients = limit.maxClients ?? 10_000;
    if (!(this.burst >= 1) || !(this.perSecond > 0) || !(this.maxClients >= 1)) {
      throw new RangeError('tc9-observability ingest: rate limit needs burst >= 1, perSecond > 0 and maxClients >= 1');
    }
  }

  take(key: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    this.buckets.delete(key); // re-inserted below: Map order is then least recently used first
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    return allowed ? { allowed } : { allowed, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond)) };
  }
}
