import type { OrderTotals } from '@app/contracts';

/**
 * Rounds to `decimals` places the way Odoo's `float_round` does: half away from zero (a discount line's -0.125
 * gives -0.13, not -0.12), after nudging by one unit of the last binary place so 1.005 stored as 1.00499…
 * still rounds up. The division by a power of ten gives back the double closest to the decimal (12.345).
 */
export function roundMoney(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = value * factor;
  if (scaled === 0) return 0;
  const nudged = Math.abs(scaled) + 2 ** (Math.log2(Math.abs(scaled)) - 52);
  return (Math.sign(scaled) * Math.floor(nudged + 0.5)) / factor || 0; // never -0
}

/** Two decimals, for the callers not yet told the order's currency. */
export const round2 = (value: number): number => roundMoney(value, 2);

export type LineRole = 'product' | 'shipping' | 'cod' | 'discount';

export interface DraftLine {
  role: LineRole;
  productId: number;
  name: string;
  quantity: number;
  /** Pre-tax unit price (negative for the discount line). */
  unitPrice: number;
}

export interface TaxChoice {
  /** Which lines carry the sales tax. Empty when the order has no tax. */
  taxed: ReadonlySet<LineRole>;
  /** Odoo's total for this choice, as it will compute it (round per line). */
  expectedTotal: number;
}

/**
 * Which lines to tax so Odoo's total equals Salla's. Salla's canonical totals say how much tax there is but
 * not on what (VAT on shipping and on the COD fee depends on the store), so the usual arrangements are tried
 * in order and the first that reproduces `totals.total` to the smallest unit wins. None → the closest one, and
 * the caller flags the order with the difference: a total is never forced with an invented line.
 */
export function chooseTaxes(
  lines: readonly DraftLine[],
  totals: OrderTotals,
  tax: { rate: number; priceInclude: boolean } | null,
  decimals: number,
): TaxChoice {
  const target = roundMoney(Number(totals.total), decimals);
  const none: TaxChoice = {
    taxed: new Set(),
    expectedTotal: odooTotal(lines, new Set(), { rate: 0, priceInclude: false }, decimals),
  };
  if (Number(totals.tax) === 0 || !tax) return none;
  const candidates: LineRole[][] = [
    ['product', 'discount'],
    ['product', 'shipping', 'discount'],
    ['product', 'shipping', 'cod', 'discount'],
    ['product'],
    ['product', 'shipping'],
    ['product', 'shipping', 'cod'],
  ];
  let best: TaxChoice | undefined;
  for (const roles of candidates) {
    const taxed = new Set(roles);
    const expectedTotal = odooTotal(lines, taxed, tax, decimals);
    const choice = { taxed, expectedTotal };
    if (expectedTotal === target) return choice;
    if (!best || Math.abs(expectedTotal - target) < Math.abs(best.expectedTotal - target)) best = choice;
  }
  return best!;
}

/** The unit price to send: pre-tax, or grossed up (to the currency's unit) when the Odoo tax is price-included. */
export function priceUnitFor(
  line: DraftLine,
  taxed: boolean,
  tax: { rate: number; priceInclude: boolean } | null,
  decimals: number,
): number {
  return taxed && tax?.priceInclude ? roundMoney(line.unitPrice * (1 + tax.rate), decimals) : line.unitPrice;
}

function odooTotal(
  lines: readonly DraftLine[],
  taxed: ReadonlySet<LineRole>,
  tax: { rate: number; priceInclude: boolean },
  decimals: number,
): number {
  const round = (value: number) => roundMoney(value, decimals);
  let total = 0;
  for (const line of lines) {
    const isTaxed = taxed.has(line.role) && tax.rate > 0;
    const gross = line.quantity * priceUnitFor(line, isTaxed, tax, decimals);
    if (!isTaxed || tax.priceInclude) {
      total += round(gross); // with an included tax, subtotal + tax = the gross amount, rounded once
    } else {
      const subtotal = round(gross);
      total += subtotal + round(subtotal * tax.rate);
    }
  }
  return round(total);
}
