import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';

import { BindingCacheRepository } from '../bindings/binding-cache.repository';
import { OdooBindings } from '../bindings/odoo-bindings';
import type { OdooClient } from '../odoo-client';
import type { OdooConnectorEnv } from '../odoo-connector.env';
import { fromCursor, WRITE_DATE_ORDER, type WriteDateCursor } from './write-date-cursor';

export interface DonePicking {
  id: number;
  name: string;
  /** `done`, or `cancel`: a cancelled backorder may be what finishes an order's deliveries. */
  state: 'done' | 'cancel';
  writeDate: string;
  /** What changes when it is written again within one second (LateCommitWindow): its state. */
  version: string;
  /** The sale order it delivers (`sale_id`, else the order named by `origin`); null for other deliveries. */
  saleOrderId: number | null;
}

type Many2one = [number, string] | false;

/** The states of a customer delivery that is over. */
export const FINISHED = ['done', 'cancel'];

/** Reads finished customer deliveries from one store's Odoo and traces them back to Salla orders. */
@Injectable()
export class OdooDeliveriesReader {
  constructor(
    private readonly bindings: OdooBindings,
    private readonly cache: BindingCacheRepository,
    @Inject(APP_CONFIG) private readonly config: OdooConnectorEnv,
  ) {}

  /**
   * One page of outgoing pickings that were finished — validated, or cancelled (the backorder of a partial
   * shipment the merchant will not send) — since `cursor` (either writes them).
   */
  async finishedPickings(client: OdooClient, cursor: WriteDateCursor, limit: number): Promise<DonePicking[]> {
    const rows = await client.searchRead<{
      id: number;
      name: string;
      state: 'done' | 'cancel';
      write_date: string;
      sale_id: Many2one;
      origin: string | false;
    }>(
      'stock.picking',
      [['picking_type_code', '=', 'outgoing'], ['state', 'in', FINISHED], ...fromCursor(cursor)],
      ['name', 'state', 'write_date', 'sale_id', 'origin'],
      { limit, order: WRITE_DATE_ORDER },
    );
    // `sale_id` is set by sale_stock; a delivery created by hand may only name the order in `origin`.
    const origins = [...new Set(rows.filter((r) => !r.sale_id && r.origin).map((r) => r.origin as string))];
    const byName = new Map<string, number>();
    if (origins.length > 0) {
      const orders = await client.searchRead<{ id: number; name: string }>(
        'sale.order',
        [['name', 'in', origins]],
        ['name'],
      );
      for (const order of orders) byName.set(order.name, order.id);
    }
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      state: row.state,
      writeDate: row.write_date,
      version: row.state,
      saleOrderId: row.sale_id ? row.sale_id[0] : row.origin ? (byName.get(row.origin) ?? null) : null,
    }));
  }

  /** The orders among `orderIds` that still have a customer delivery to do (a backorder): not delivered yet. */
  withOpenDeliveries(client: OdooClient, orderIds: readonly number[]): Promise<Set<number>> {
    return this.ordersWithDeliveries(client, orderIds, ['state', 'not in', FINISHED]);
  }

  /** The orders among `orderIds` with at least one customer delivery done (something was shipped). */
  withDoneDeliveries(client: OdooClient, orderIds: readonly number[]): Promise<Set<number>> {
    return this.ordersWithDeliveries(client, orderIds, ['state', '=', 'done']);
  }

  private async ordersWithDeliveries(
    client: OdooClient,
    orderIds: readonly number[],
    stateTerm: [string, string, unknown],
  ): Promise<Set<number>> {
    if (orderIds.length === 0) return new Set();
    const pickings = await client.searchRead<{ id: number; sale_id: Many2one }>(
      'stock.picking',
      [['sale_id', 'in', [...orderIds]], ['picking_type_code', '=', 'outgoing'], stateTerm],
      ['sale_id'],
    );
    return new Set(pickings.filter((p) => p.sale_id).map((p) => (p.sale_id as [number, string])[0]));
  }

  /** Odoo sale.order id → Salla order id, for the orders this store's sync created (its order bindings). */
  async sallaOrderIds(
    client: OdooClient,
    storeId: string,
    orderIds: readonly number[],
  ): Promise<Map<number, string>> {
    if (orderIds.length === 0) return new Map();
    const rows = await client.searchRead<{ id: number; name: string; res_id: number }>(
      'ir.model.data',
      [
        ['module', '=', this.config.ODOO_MODULE_NAME],
        ['model', '=', 'sale.order'],
        ['res_id', 'in', [...orderIds]],
      ],
      ['name', 'res_id'],
    );
    const prefix = this.bindings.nameOf(storeId, { kind: 'order', sallaId: '0' }).slice(0, -1);
    const found = new Map<number, string>();
    for (const row of rows) {
      if (!row.name.startsWith(prefix) || found.has(row.res_id)) continue;
      // The cache knows the Salla id as it was; the name holds it too unless it had to be hashed.
      const cached = await this.cache.get(storeId, client.stamp, row.name);
      const fromName = row.name.slice(prefix.length);
      const sallaId = cached?.sallaId ?? (/^h[0-9a-f]{32}$/.test(fromName) ? null : fromName);
      if (sallaId) found.set(row.res_id, sallaId);
    }
    return found;
  }
}
