import { sallaOrder } from '../e2e-observe/salla-orders';

/** A seeded PRNG (mulberry32): the same seed gives the same orders, duplicates and order of delivery. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Fisher–Yates, in place. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** A few products every order draws its lines from, so concurrent orders race to create the same product. */
const CATALOGUE = [
  { productId: 910_000_001, sku: 'CHAOS-TEA', name: 'Green tea', price: 12.5 },
  { productId: 910_000_002, sku: 'CHAOS-MUG', name: 'Mug', price: 30 },
  { productId: 910_000_003, sku: 'CHAOS-DATES', name: 'Dates box', price: 47.25 },
  { productId: 910_000_004, sku: 'CHAOS-COFFEE', name: 'Arabic coffee', price: 64 },
  { productId: 910_000_005, sku: 'CHAOS-CUP', name: 'Cup set', price: 99.99 },
] as const;

export const CATALOGUE_SKUS: readonly string[] = CATALOGUE.map((p) => p.sku);
const SHIPPING = 15;

export interface ExpectedLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface ChaosOrder {
  /** Salla's reference id: `client_order_ref` of the sale.order. */
  reference: string;
  /** The exact bytes Salla sends (and re-sends, for a duplicate delivery). */
  body: string;
  lines: ExpectedLine[];
  shipping: number;
  total: number;
}

const money = (n: number): { amount: number; currency: string } => ({
  amount: Math.round(n * 100) / 100,
  currency: 'SAR',
});

/**
 * The `n`-th order of a run: Salla's documented `order.created` (customer, shipping, status) with 1–3 lines
 * of distinct catalogue products, quantities 1–4, no tax and no discount, so Odoo's total is lines + shipping.
 */
export function chaosOrder(storeId: string, base: number, n: number, random: () => number): ChaosOrder {
  const { data, reference } = sallaOrder(base, n);
  const picked = shuffle([...CATALOGUE], random).slice(0, 1 + Math.floor(random() * 3));
  const lines = picked.map((p) => ({ product: p, quantity: 1 + Math.floor(random() * 4) }));
  const subtotal = lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0);
  const total = Math.round((subtotal + SHIPPING) * 100) / 100;
  const items = lines.map(({ product, quantity }, i) => ({
    id: base * 10 + n * 4 + i,
    name: product.name,
    sku: product.sku,
    quantity,
    currency: 'SAR',
    amounts: {
      price_without_tax: money(product.price),
      total_discount: money(0),
      tax: { percent: '0.00', amount: money(0) },
      total: money(product.price * quantity),
    },
    product: { id: product.productId, sku: product.sku, name: product.name, price: money(product.price) },
    options: [],
  }));
  const amounts = {
    sub_total: money(subtotal),
    shipping_cost: money(SHIPPING),
    cash_on_delivery: money(0),
    tax: { percent: '0.00', amount: money(0) },
    discounts: [],
    total: money(total),
  };
  const body = JSON.stringify({
    event: 'order.created',
    merchant: Number(storeId),
    created_at: '2026-11-29 10:00:00',
    data: { ...data, items, amounts },
  });
  return {
    reference,
    body,
    lines: lines.map((l) => ({ sku: l.product.sku, quantity: l.quantity, unitPrice: l.product.price })),
    shipping: SHIPPING,
    total,
  };
}

/** Every order once, plus a redelivery of `duplicateShare` of them (same bytes), all in shuffled order. */
export function shuffledDeliveries(
  orders: readonly ChaosOrder[],
  duplicateShare: number,
  random: () => number,
): { bodies: string[]; duplicates: number } {
  const duplicates = shuffle([...orders], random).slice(0, Math.round(orders.length * duplicateShare));
  return {
    bodies: shuffle(
      [...orders, ...duplicates].map((o) => o.body),
      random,
    ),
    duplicates: duplicates.length,
  };
}
