/** One Salla variant's price and the Odoo attribute values (one per attribute) that make it. */
export interface PricedCombination {
  price: string;
  valueIds: readonly number[];
}

/**
 * Odoo prices a variant as the template's `list_price` plus the `price_extra` of each of its attribute values,
 * so a per-variant price fits only when the prices are additive over the options. The extras (attribute value
 * id → amount) that reproduce EVERY variant's price exactly, or null when no such extras exist (or the variants
 * do not pin them down): Odoo then keeps the template price for all of them.
 *
 * Each variant with one extra still unknown fixes it; the first variant's values start at 0 except the first,
 * which takes its whole difference to the base. Single-attribute products are always solvable this way.
 */
export function priceExtras(
  basePrice: string,
  combinations: readonly PricedCombination[],
): Map<number, number> | null {
  const base = micros(basePrice);
  if (base === null || combinations.length === 0) return new Map();
  const prices = combinations.map((c) => micros(c.price));
  if (prices.some((p) => p === null)) return null;
  const extras = new Map<number, bigint>();
  const [first, ...others] = combinations[0].valueIds;
  if (first === undefined) return null;
  extras.set(first, prices[0]! - base);
  for (const id of others) extras.set(id, 0n);
  for (let progress = true; progress;) {
    progress = false;
    for (const [i, { valueIds }] of combinations.entries()) {
      const unknown = valueIds.filter((id) => !extras.has(id));
      if (unknown.length !== 1) continue;
      const known = valueIds.reduce((sum, id) => sum + (extras.get(id) ?? 0n), 0n);
      extras.set(unknown[0], prices[i]! - base - known);
      progress = true;
    }
  }
  const exact = combinations.every(
    ({ valueIds }, i) =>
      valueIds.every((id) => extras.has(id)) &&
      valueIds.reduce((sum, id) => sum + extras.get(id)!, base) === prices[i],
  );
  if (!exact) return null;
  return new Map([...extras].map(([id, extra]) => [id, Number(extra) / 1e6]));
}

/** A decimal amount ("12.5") in millionths, exact; null when it is not one. */
function micros(amount: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(amount.trim());
  if (!match) return null;
  const value = BigInt(match[2]) * 1_000_000n + BigInt((match[3] ?? '').padEnd(6, '0'));
  return match[1] ? -value : value;
}
