import type { OrderTotals } from '@app/contracts';

import type { ResourceLabel } from './malformed-resource.error';
import { formatAmount, type Micros, readAmount, readDiscount, sum, ZERO } from './salla-money';
import type { SallaOrderAmounts } from './salla-resources';
import { isRecord, recordsOf } from './salla-values';

/*
 * THE IDENTITY every SalesOrderUpserted from this connector satisfies, exactly (decimal arithmetic, no floats):
 *
 *     total = subtotal + shipping + cashOnDelivery + tax − discount        (all ≥ 0)
 *
 * and `total` is always Salla's own `amounts.total`: the customer paid that figure, so it is never recomputed.
 * The Odoo connector relies on it: lines (subtotal) + a shipping line + a COD line + tax − a discount line
 * reproduces Salla's total.
 *
 * Salla's own figures agree in every documented sample (186 + 15 + 0 + 0 − 5 = 196; 246 + 33 + 1 + 0 − 126 =
 * 154), and then they pass through unchanged. When they do not, the gap is attributed where it can come from:
 *  - the parts exceed the total → the difference joins `discount`. Salla reduces totals in ways `discounts[]`
 *    does not always list (free-shipping coupons via `discounted_shipping`, loyalty points, store credit);
 *  - the total exceeds the parts → the difference joins `tax`. No documented Salla charge is missing from the
 *    parts, so what remains is VAT Salla rounds or levies on fees without itemising it.
 *
 * Line discounts are NOT on top of `discount`: in Salla's data an item's `total_discount` is that line's share
 * of the order's `discounts[]` (the samples show the same 5 and 126 on both), so `discount` already holds them.
 */

/** The order-level discounts Salla lists (`discounts[]`, or a single `discount` on some sources). */
function listedDiscountOf(label: ResourceLabel, amounts: SallaOrderAmounts): Micros {
  const entries = recordsOf(amounts.discounts);
  if (entries.length === 0) return readDiscount(label, 'amounts.discount', amounts.discount) ?? ZERO;
  return sum(
    entries.map((d, i) => readDiscount(label, `amounts.discounts[${i}].discount`, d.discount) ?? ZERO),
  );
}

export interface OrderTotalsSource {
  amounts: SallaOrderAmounts | undefined;
  /** `order.total`, where order summaries keep it. */
  total: unknown;
  /** Σ unit price × quantity of the mapped lines: the subtotal when Salla gives none. */
  linesSubtotal: Micros;
}

/** The canonical totals of a Salla order, normalised so the identity above holds (see the file comment). */
export function orderTotalsOf(label: ResourceLabel, source: OrderTotalsSource): OrderTotals {
  const amounts = source.amounts ?? {};
  const subtotal = readAmount(label, 'amounts.sub_total', amounts.sub_total) ?? source.linesSubtotal;
  const shipping = readAmount(label, 'amounts.shipping_cost', amounts.shipping_cost) ?? ZERO;
  const cashOnDelivery = readAmount(label, 'amounts.cash_on_delivery', amounts.cash_on_delivery) ?? ZERO;
  const taxValue = isRecord(amounts.tax) && 'amount' in amounts.tax ? amounts.tax.amount : amounts.tax;
  const tax = readAmount(label, 'amounts.tax.amount', taxValue) ?? ZERO;
  const listedDiscount = listedDiscountOf(label, amounts);
  const parts = subtotal + shipping + cashOnDelivery + tax;

  const total =
    readAmount(label, 'amounts.total', amounts.total) ??
    readAmount(label, 'total', source.total) ??
    (parts > listedDiscount ? parts - listedDiscount : ZERO);

  const gap = parts - listedDiscount - total;
  const discount = gap >= ZERO ? listedDiscount + gap : listedDiscount;
  const taxWithSurplus = gap >= ZERO ? tax : tax - gap;

  return {
    subtotal: formatAmount(subtotal),
    shipping: formatAmount(shipping),
    cashOnDelivery: formatAmount(cashOnDelivery),
    discount: formatAmount(discount),
    tax: formatAmount(taxWithSurplus),
    total: formatAmount(total),
  };
}
