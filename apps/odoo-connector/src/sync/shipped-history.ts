import { Injectable } from '@nestjs/common';

import type { StoreOdoo } from '../bindings/odoo-bindings';
import { OdooLookups } from './odoo-lookups';

type Many2one = [number, string] | false;

/** How an order reached the connector: a webhook, or a backfill page of the store's past orders. */
export type OrderArrival = 'live' | 'backfill';

/** Said of an order whose delivery ShippedHistory cancelled. */
export const SHIPPED_HISTORY_TEXT =
  ', its delivery cancelled: it had shipped in Salla before it reached Odoo through the backfill, so its stock ' +
  'is not taken a second time (if your Odoo stock still counts these items, adjust it in Odoo)';

/**
 * Orders a backfill brings in already shipped in Salla left the warehouse before this Odoo knew of them. The
 * delivery Odoo makes when it confirms them would reserve their units again — the stock in Odoo was counted
 * after they left — and the stock poll would then take those units off Salla's stock as well: right after an
 * install, every product sold in the backfilled months would show less stock, or sold out. So that delivery is
 * cancelled; the order stays confirmed, invoiced and paid as usual. A live order keeps its delivery, however
 * late it reaches Odoo: its units were never counted out of Odoo's stock.
 */
@Injectable()
export class ShippedHistory {
  constructor(private readonly lookups: OdooLookups) {}

  /**
   * Cancels the open transfers of these sale orders, just confirmed — every step of a 2- or 3-step delivery
   * (pick, pack, out: the reservation sits on the first); returns the orders that had one.
   */
  async cancelDeliveries(odoo: StoreOdoo, saleOrderIds: readonly number[]): Promise<Set<number>> {
    if (saleOrderIds.length === 0 || !(await this.lookups.installed(odoo.client, 'stock.picking')))
      return new Set();
    const open = await odoo.client.searchRead<{ id: number; sale_id: Many2one }>(
      'stock.picking',
      [
        ['sale_id', 'in', [...saleOrderIds]],
        ['state', 'not in', ['done', 'cancel']],
      ],
      ['sale_id'],
    );
    if (open.length === 0) return new Set();
    await odoo.client.call(
      'stock.picking',
      'action_cancel',
      open.map((p) => p.id),
    );
    return new Set(open.flatMap((p) => (p.sale_id ? [p.sale_id[0]] : [])));
  }
}
