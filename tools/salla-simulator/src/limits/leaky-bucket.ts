/** What the limiter decided for one request, with everything the rate-limit headers need. */
export interface BucketDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds at which the bucket will be empty again (full capacity restored). */
  resetAt: number;
  /** Whole seconds until one more request fits; only set when refused. */
  retryAfterSec?: number;
}

/**
 * Salla's per-store leaky bucket: it holds `capacity` requests (the plan's per-minute limit) and drains at
 * capacity/60 requests per second. A burst can spend the whole bucket at once; after that, requests pass only
 * as fast as the bucket drains. A refused request does not fill the bucket.
 */
export class LeakyBucket {
  private level = 0;
  private lastAt: number;

  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.lastAt = now;
  }

  private get leakPerMs(): number {
    return this.capacity / 60_000;
  }

  take(now: number): BucketDecision {
    this.drain(now);
    if (this.level + 1 > this.capacity) {
      const waitMs = (this.level + 1 - this.capacity) / this.leakPerMs;
      return { ...this.state(now), allowed: false, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    this.level += 1;
    return { ...this.state(now), allowed: true };
  }

  /** The headers' view without taking a request (used for answers that bypass the limiter). */
  peek(now: number): BucketDecision {
    this.drain(now);
    return { ...this.state(now), allowed: true };
  }

  reset(now: number): void {
    this.level = 0;
    this.lastAt = now;
  }

  private drain(now: number): void {
    // A clock that goes backwards (a test resetting its fake clock) must not refill the bucket.
    const elapsed = Math.max(0, now - this.lastAt);
    this.level = Math.max(0, this.level - elapsed * this.leakPerMs);
    this.lastAt = Math.max(this.lastAt, now);
  }

  private state(now: number): Omit<BucketDecision, 'allowed'> {
    return {
      limit: this.capacity,
      remaining: Math.max(0, Math.floor(this.capacity - this.level)),
      resetAt: Math.ceil((now + this.level / this.leakPerMs) / 1000),
    };
  }
}
