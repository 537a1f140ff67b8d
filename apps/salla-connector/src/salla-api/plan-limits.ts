import type { SallaClock } from './clock';
import type { StorePlans } from './salla-api.types';

/** Requests per minute per store, by Salla plan (leaky bucket on Salla's side). */
export const SALLA_PLAN_LIMITS = { plus: 120, pro: 360, special: 720 } as const;

/** An unknown plan is treated as the slowest one: too slow is safe, too fast gets the app throttled. */
export const DEFAULT_PLAN_LIMIT = SALLA_PLAN_LIMITS.plus;

/** Requests per minute for a plan name as Salla or the registry spells it (`Pro`, `pro`, `special`...). */
export function limitForPlan(plan: string | undefined): number {
  const name = plan?.trim().toLowerCase() ?? '';
  if (name.includes('special')) return SALLA_PLAN_LIMITS.special;
  if (/\bpro\b/.test(name)) return SALLA_PLAN_LIMITS.pro;
  return DEFAULT_PLAN_LIMIT; // plus, basic, unknown
}

interface CachedLimit {
  limit: number;
  checkedAt: number;
}

/**
 * Each store's per-minute limit, looked up through the registry at most once per `ttlMs` per store (a plan
 * upgrade is picked up within that time). Entries idle for a whole TTL are dropped, so the cache does not
 * grow with every store ever called. A registry failure falls back to the slowest plan for this call.
 */
export class PlanLimits {
  private readonly cache = new Map<string, CachedLimit>();
  private lastSweep = 0;

  constructor(
    private readonly plans: StorePlans,
    private readonly clock: SallaClock,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async limitFor(storeId: string): Promise<number> {
    const now = this.clock.now();
    this.sweep(now);
    const cached = this.cache.get(storeId);
    if (cached && now - cached.checkedAt < this.ttlMs) return cached.limit;
    let limit: number;
    try {
      limit = limitForPlan(await this.plans.planOf(storeId));
    } catch {
      return cached?.limit ?? DEFAULT_PLAN_LIMIT;
    }
    this.cache.set(storeId, { limit, checkedAt: now });
    return limit;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.ttlMs) return;
    this.lastSweep = now;
    for (const [storeId, entry] of this.cache) {
      if (now - entry.checkedAt >= this.ttlMs) this.cache.delete(storeId);
    }
  }
}
