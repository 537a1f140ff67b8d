/**
 * Per-principal token bucket, in memory: `perMinute` tokens refilled continuously, bursts up to the same
 * number. One gateway replica limits its own traffic; with several replicas the effective limit is
 * `replicas × perMinute`, which is acceptable for a human-facing admin API.
 */
export class TokenBucketLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #ratePerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#ratePerMs = perMinute / 60_000;
  }

  /** Takes one token; when none is left, says how many seconds until one is. */
  take(principal: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.#buckets.get(principal) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.#ratePerMs);
    bucket.at = now;
    this.#buckets.set(principal, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#ratePerMs / 1000)),
    };
  }
}
