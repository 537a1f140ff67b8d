import type { FakeDatabase, Rec } from './fake-database';

/** Rounds to the currency's smallest unit (2 decimals, as SAR/USD/AED), avoiding binary-float noise. */
export const round2 = (value: number): number => Math.round((value + Number.EPSILON) * 100) / 100;

export interface LineAmounts {
  subtotal: number;
  tax: number;
  total: number;
}

/**
 * A sale line's amounts as Odoo computes them with the default "round per line": price-included taxes are
 * taken out of the price first (subtotal = price / (1 + included rates)), excluded taxes are added on the
 * subtotal; percent taxes only (plus `fixed`, per unit).
 */
export function lineAmounts(db: FakeDatabase, line: Rec, taxField: string): LineAmounts {
  const quantity = (line.product_uom_qty as number | undefined) ?? 0;
  const price = (line.price_unit as number | undefined) ?? 0;
  const discount = (line.discount as number | undefined) ?? 0;
  const gross = quantity * price * (1 - discount / 100);
  const taxes = ((line[taxField] as number[] | undefined) ?? []).map((id) => db.get('account.tax', id)!);
  const percent = (tax: Rec) => (tax.amount_type === 'percent' ? (tax.amount as number) / 100 : 0);
  const includedRate = taxes.filter((t) => t.price_include).reduce((sum, t) => sum + percent(t), 0);
  const subtotal = round2(gross / (1 + includedRate));
  const includedTax = includedRate > 0 ? round2(gross) - subtotal : 0;
  const excludedTax = taxes
    .filter((t) => !t.price_include)
    .reduce(
      (sum, t) =>
        sum +
        (t.amount_type === 'fixed' ? round2((t.amount as number) * quantity) : round2(subtotal * percent(t))),
      0,
    );
  const tax = round2(includedTax + excludedTax);
  return { subtotal, tax, total: round2(subtotal + tax) };
}
