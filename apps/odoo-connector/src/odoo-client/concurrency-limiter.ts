/**
 * At most `limit` tasks at once; the rest wait in FIFO order. One per Odoo (base URL + database): a typical
 * Odoo worker handles a handful of write transactions per second, and parallel writes to one database mostly
 * produce serialization failures.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency limit must be ≥ 1, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter, so `active` never drops and rises again in between.
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Limiters by key, shared by every client in the process so two clients for the same Odoo share one cap.
 * The first client to ask fixes the limit for as long as the limiter lives.
 */
export class LimiterRegistry {
  private readonly limiters = new Map<string, ConcurrencyLimiter>();

  for(key: string, limit: number): ConcurrencyLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new ConcurrencyLimiter(limit);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}

export const sharedOdooLimiters = new LimiterRegistry();
