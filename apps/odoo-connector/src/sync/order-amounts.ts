import type { OrderTotals } from '@app/contracts';

/** Rounds to the currency's smallest unit (2 decimals) the way Odoo's round-per-line does, without float noise. */
export const round2 = (value: number): number => Math.round((value + Number.EPSILON) * 100) / 100;

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
): TaxChoice {
  const target = round2(Number(totals.total));
  const none: TaxChoice = { taxed: new Set(), expectedTotal: odooTotal(lines, new Set(), 0, false) };
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
    const expectedTotal = odooTotal(lines, taxed, tax.rate, tax.priceInclude);
    const choice = { taxed, expectedTotal };
    if (expectedTotal === target) return choice;
    if (!best || Math.abs(expectedTotal - target) < Math.abs(best.expectedTotal - target)) best = choice;
  }
  return best!;
}

/** The unit price to send: pre-tax, or grossed up when the Odoo tax is price-included. */
export function priceUnitFor(
  line: DraftLine,
  taxed: boolean,
  tax: { rate: number; priceInclude: boolean } | null,
): number {
  return taxed && tax?.priceInclude ? round2(line.unitPrice * (1 + tax.rate)) : line.unitPrice;
}

function odooTotal(
  lines: readonly DraftLine[],
  taxed: ReadonlySet<LineRole>,
  rate: number,
  priceInclude: boolean,
): number {
  let total = 0;
  for (const line of lines) {
    const isTaxed = taxed.has(line.role) && rate > 0;
    const gross = line.quantity * priceUnitFor(line, isTaxed, { rate, priceInclude });
    if (!isTaxed) {
      total += round2(gross);
    } else if (priceInclude) {
      total += round2(gross); // subtotal + included tax = the gross amount, rounded once
    } else {
      const subtotal = round2(gross);
      total += subtotal + round2(subtotal * rate);
    }
  }
  return round2(total);
}
