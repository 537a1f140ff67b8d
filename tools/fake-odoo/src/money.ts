import type { FakeDatabase, Rec } from './fake-database';

/**
 * Odoo's `float_round`: half away from zero, after nudging by one unit of the last binary place (so 1.005,
 * stored as 1.00499…, rounds up). Dividing by a power of ten gives back the double closest to the decimal.
 */
export function roundMoney(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = value * factor;
  if (scaled === 0) return 0;
  const nudged = Math.abs(scaled) + 2 ** (Math.log2(Math.abs(scaled)) - 52);
  return (Math.sign(scaled) * Math.floor(nudged + 0.5)) / factor || 0; // never -0
}

/** Rounds to 2 decimals (SAR/USD/AED), for amounts not tied to a record's currency. */
export const round2 = (value: number): number => roundMoney(value, 2);

/** `res.currency.decimal_places`: Odoo derives it from `rounding` (0.01 → 2, 0.001 → 3). */
export function decimalPlaces(rounding: number): number {
  return rounding > 0 && rounding < 1 ? Math.ceil(Math.log10(1 / rounding) - 1e-9) : 0;
}

/** The decimals of a currency (2 when it is unknown, as for a record without one). */
export function currencyDecimals(db: FakeDatabase, currencyId: unknown): number {
  const currency = typeof currencyId === 'number' ? db.get('res.currency', currencyId) : undefined;
  return currency ? decimalPlaces((currency.rounding as number | undefined) ?? 0.01) : 2;
}

/** The currency a sale or invoice line's amounts are rounded in: its order's, or its invoice's. */
function lineDecimals(db: FakeDatabase, line: Rec): number {
  if (typeof line.order_id === 'number')
    return currencyDecimals(db, db.get('sale.order', line.order_id)?.currency_id);
  if (typeof line.move_id === 'number')
    return currencyDecimals(db, db.get('account.move', line.move_id)?.currency_id);
  return 2;
}

export interface LineAmounts {
  subtotal: number;
  tax: number;
  total: number;
}

/**
 * A sale line's amounts as Odoo computes them with the default "round per line", in its document's currency:
 * price-included taxes are taken out of the price first (subtotal = price / (1 + included rates)), excluded
 * taxes are added on the subtotal; percent taxes only (plus `fixed`, per unit).
 */
export function lineAmounts(db: FakeDatabase, line: Rec, taxField: string): LineAmounts {
  const decimals = lineDecimals(db, line);
  const round = (value: number) => roundMoney(value, decimals);
  const quantity = (line.product_uom_qty as number | undefined) ?? 0;
  const price = (line.price_unit as number | undefined) ?? 0;
  const discount = (line.discount as number | undefined) ?? 0;
  const gross = quantity * price * (1 - discount / 100);
  const taxes = ((line[taxField] as number[] | undefined) ?? []).map((id) => db.get('account.tax', id)!);
  const percent = (tax: Rec) => (tax.amount_type === 'percent' ? (tax.amount as number) / 100 : 0);
  const includedRate = taxes.filter((t) => t.price_include).reduce((sum, t) => sum + percent(t), 0);
  const subtotal = round(gross / (1 + includedRate));
  const includedTax = includedRate > 0 ? round(gross) - subtotal : 0;
  const excludedTax = taxes
    .filter((t) => !t.price_include)
    .reduce(
      (sum, t) =>
        sum +
        (t.amount_type === 'fixed' ? round((t.amount as number) * quantity) : round(subtotal * percent(t))),
      0,
    );
  const tax = round(includedTax + excludedTax);
  return { subtotal, tax, total: round(subtotal + tax) };
}
