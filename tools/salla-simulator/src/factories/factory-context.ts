import type { IdAllocator } from '../random';
import type { SallaMoney } from '../salla-types';
import type { StoreState } from '../store-state';

/** What every factory needs: the store (its random stream and data) and the simulator-wide id pool. */
export interface FactoryContext {
  store: StoreState;
  ids: IdAllocator;
  now: number;
}

/** Saudi VAT; Salla shows prices before tax and adds it (`with_tax`). */
export const VAT_RATE = 0.15;

export const round2 = (value: number): number => Math.round(value * 100) / 100;

export const money = (amount: number, currency: string): SallaMoney => ({ amount: round2(amount), currency });

/** A price the way merchants set them: whole riyals, or ending in .50 / .95. */
export function shelfPrice(ctx: FactoryContext, min: number, max: number): number {
  const base = ctx.store.random.int(min, max);
  return base + ctx.store.random.pick([0, 0, 0, 0.5, 0.95]);
}

export function storeUrls(ctx: FactoryContext, customerPath: string, adminPath: string) {
  const { domain } = ctx.store.profile;
  return { customer: `${domain}/${customerPath}`, admin: `https://s.salla.sa/${adminPath}` };
}
