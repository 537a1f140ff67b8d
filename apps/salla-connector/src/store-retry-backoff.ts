import { computeBackoff } from '@app/messaging';

/**
 * When a store's periodic work (stock pushes, backfill pages) may call Salla again after Salla failed it (rate
 * limit, 5xx, a refused token or scope): 5 s doubling to 5 min, per store, in this process. Without it a failing
 * store is retried every pass for as long as it fails — a refresh token spent on each 401 — and takes its turn
 * from the stores that work.
 */
export class StoreRetryBackoff {
  private readonly waits = new Map<string, { failures: number; until: number }>();

  constructor(
    private readonly baseMs = 5_000,
    private readonly maxMs = 5 * 60_000,
  ) {}

  ready(storeId: string, now = Date.now()): boolean {
    const wait = this.waits.get(storeId);
    return !wait || wait.until <= now;
  }

  failed(storeId: string, now = Date.now()): number {
    const failures = (this.waits.get(storeId)?.failures ?? 0) + 1;
    const delayMs = computeBackoff(failures, { baseMs: this.baseMs, maxMs: this.maxMs });
    this.waits.set(storeId, { failures, until: now + delayMs });
    return delayMs;
  }

  succeeded(storeId: string): void {
    this.waits.delete(storeId);
  }
}
