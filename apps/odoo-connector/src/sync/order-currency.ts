import type { SalesOrderUpserted } from '@app/contracts';

import type { OdooClient } from '../odoo-client';
import type { OdooLookups } from './odoo-lookups';
import type { ApplyResult } from './sync-runner';

/** The Odoo side of an order's currency: what the order is booked in and rounded to. */
export interface OrderCurrency {
  id: number;
  name: string;
  decimals: number;
  /** The price list that books the order in this currency; null: Odoo's default one (company currency). */
  pricelistId: number | null;
}

/**
 * The currency Odoo books the order in, or why it cannot. A sale order takes its currency from its price list
 * (company currency without one), so an order in another currency needs an active price list in it; amounts are
 * never converted. The price list is set whenever one exists, even in the company currency: the partner's
 * default one may be in another currency.
 */
export async function orderCurrency(
  lookups: OdooLookups,
  client: OdooClient,
  order: SalesOrderUpserted,
): Promise<{ currency: OrderCurrency } | { refused: ApplyResult }> {
  const ref = order.referenceId;
  const currency = await lookups.currency(client, order.currency);
  if (!currency) {
    return {
      refused: {
        outcome: 'failed',
        errorCode: 'order.currency_unknown',
        message: `Order #${ref} is in ${order.currency}, which is not an active currency in Odoo: activate it in Odoo, then the next change of the order syncs it`,
      },
    };
  }
  const pricelistId = await lookups.pricelistId(client, currency.id);
  if (pricelistId === null) {
    const company = await lookups.companyCurrency(client);
    if (company.id !== currency.id) {
      return {
        refused: {
          outcome: 'failed',
          errorCode: 'order.currency_unsupported',
          message: `Order #${ref} is in ${currency.name} but your Odoo company works in ${company.name} and has no price list in ${currency.name}: create one (Sales › Products › Pricelists; turn on Pricelists in the Sales settings if the menu is missing), then the next change of the order syncs it`,
        },
      };
    }
  }
  return { currency: { ...currency, pricelistId } };
}

/**
 * The order as read back is not in the currency it was meant to be (created before its price list was set,
 * or Odoo's default price list is in another currency): flagged, its amounts are not the customer's.
 */
export function currencyMismatch(
  order: SalesOrderUpserted,
  odooCurrency: [number, string] | false | undefined,
  currency: OrderCurrency,
): ApplyResult | null {
  if (!odooCurrency || odooCurrency[0] === currency.id) return null;
  return {
    outcome: 'failed',
    errorCode: 'order.currency_mismatch',
    message: `Order #${order.referenceId} is in ${odooCurrency[1]} in Odoo but in ${currency.name} in Salla: it was left as it is for review (a quotation takes a price list in ${currency.name} in Odoo; a confirmed order must be corrected by hand)`,
  };
}

/**
 * Odoo rounds a unit price to its "Product Price" digits when it stores it, so a price with more decimals (a
 * KWD 12.345 where Odoo keeps 2) would silently become another price: flagged before anything is written.
 */
export function pricePrecisionFlag(
  order: SalesOrderUpserted,
  lineVals: ReadonlyArray<Record<string, unknown>>,
  currency: OrderCurrency,
  digits: number,
): ApplyResult | null {
  const factor = 10 ** digits;
  const tooPrecise = lineVals
    .map((line) => line.price_unit as number)
    .find((price) => Math.abs(Math.round(price * factor) - price * factor) > 1e-6);
  if (tooPrecise === undefined) return null;
  return {
    outcome: 'failed',
    errorCode: 'order.price_precision',
    message: `Order #${order.referenceId} has a unit price of ${tooPrecise.toFixed(currency.decimals)} ${currency.name} but Odoo keeps unit prices to ${digits} decimals: set the "Product Price" decimal accuracy to ${currency.decimals} in Odoo (Settings › Technical › Decimal Accuracy, in developer mode), then the next change of the order syncs it`,
  };
}
