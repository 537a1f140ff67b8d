import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';

import { OdooBindings } from '../bindings/odoo-bindings';
import type { OdooClient } from '../odoo-client';
import type { OdooConnectorEnv } from '../odoo-connector.env';
import { fromCursor, WRITE_DATE_ORDER, type WriteDateCursor } from './write-date-cursor';

/** The synced stock location: the root and its internal sub-locations (shelves, bins), whose quants all count. */
export interface StockLocation {
  rootId: number;
  name: string;
  ids: number[];
}

export interface QuantChange {
  id: number;
  productId: number;
  writeDate: string;
  /** Its quantities (`on hand/reserved`): two writes within one second share a `write_date`, not these. */
  version: string;
}

type Many2one = [number, string] | false;

/** Sub-location levels followed below the synced location (real warehouses nest two or three). */
const MAX_LOCATION_DEPTH = 8;

/**
 * Reads what the stock poll needs from one store's Odoo: the synced location, quants changed since a
 * `write_date` cursor, the quantity per product, and which products are this store's (bound SKUs).
 */
@Injectable()
export class OdooStockReader {
  constructor(
    private readonly bindings: OdooBindings,
    @Inject(APP_CONFIG) private readonly config: OdooConnectorEnv,
  ) {}

  /**
   * The location mirrored to Salla with its internal children: the one the merchant chose in the app settings,
   * else the first warehouse's stock location (`lot_stock_id`, like Odoo's own default). Null when the chosen
   * one is not an active internal location, or the database has no warehouse (the stock app is not installed).
   */
  async location(client: OdooClient, chosenId: string | null = null): Promise<StockLocation | null> {
    const root = chosenId
      ? await this.chosenLocation(client, chosenId)
      : await this.warehouseLocation(client);
    if (!root) return null;
    const [rootId, name] = root;
    const ids = [rootId];
    let frontier = [rootId];
    for (let depth = 0; depth < MAX_LOCATION_DEPTH && frontier.length > 0; depth++) {
      const children = await client.searchRead<{ id: number }>(
        'stock.location',
        [
          ['location_id', 'in', frontier],
          ['usage', '=', 'internal'],
        ],
        ['id'],
      );
      frontier = children.map((c) => c.id).filter((id) => !ids.includes(id));
      ids.push(...frontier);
    }
    return { rootId, name, ids };
  }

  private async warehouseLocation(client: OdooClient): Promise<Many2one | null> {
    const [warehouse] = await client.searchRead<{ id: number; lot_stock_id: Many2one }>(
      'stock.warehouse',
      [],
      ['lot_stock_id'],
      { limit: 1, order: 'id asc' },
    );
    return warehouse?.lot_stock_id || null;
  }

  private async chosenLocation(client: OdooClient, chosenId: string): Promise<Many2one | null> {
    const id = Number(chosenId);
    if (!Number.isInteger(id) || id <= 0) return null;
    const [row] = await client.searchRead<{ id: number; complete_name: string }>(
      'stock.location',
      [
        ['id', '=', id],
        ['usage', '=', 'internal'],
      ],
      ['complete_name'],
      { limit: 1 },
    );
    return row ? [row.id, row.complete_name] : null;
  }

  /** One page of quants of the location written since `cursor`, oldest write first. */
  async changedQuants(
    client: OdooClient,
    location: StockLocation,
    cursor: WriteDateCursor,
    limit: number,
  ): Promise<QuantChange[]> {
    const rows = await client.searchRead<{
      id: number;
      product_id: Many2one;
      write_date: string;
      quantity: number;
      reserved_quantity: number;
    }>(
      'stock.quant',
      [['location_id', 'in', location.ids], ...fromCursor(cursor)],
      ['product_id', 'write_date', 'quantity', 'reserved_quantity'],
      { limit, order: WRITE_DATE_ORDER },
    );
    return rows
      .filter((row) => row.product_id)
      .map((row) => ({
        id: row.id,
        productId: (row.product_id as [number, string])[0],
        writeDate: row.write_date,
        version: `${row.quantity}/${row.reserved_quantity}`,
      }));
  }

  /**
   * Per product, the quantity Salla should show, from every quant of the location: `free` = on hand minus
   * reserved (what can still be sold: stock already promised to confirmed orders is not offered again), or
   * `on_hand` (ODOO_STOCK_QUANTITY). Whole units, never negative (an oversold Odoo reads as 0).
   */
  async quantities(
    client: OdooClient,
    location: StockLocation,
    productIds: readonly number[],
  ): Promise<Map<number, number>> {
    const quants = await client.searchRead<{
      id: number;
      product_id: Many2one;
      quantity: number;
      reserved_quantity: number;
    }>(
      'stock.quant',
      [
        ['location_id', 'in', location.ids],
        ['product_id', 'in', [...productIds]],
      ],
      ['product_id', 'quantity', 'reserved_quantity'],
    );
    const totals = new Map<number, number>(productIds.map((id) => [id, 0]));
    const free = this.config.ODOO_STOCK_QUANTITY === 'free';
    for (const quant of quants) {
      if (!quant.product_id) continue;
      const id = quant.product_id[0];
      const amount = (quant.quantity || 0) - (free ? quant.reserved_quantity || 0 : 0);
      totals.set(id, (totals.get(id) ?? 0) + amount);
    }
    for (const [id, total] of totals) totals.set(id, Math.max(0, Math.floor(total + 1e-9)));
    return totals;
  }

  /**
   * product.product id → SKU (`default_code`) for the products this store syncs: their template carries one of
   * the store's product or SKU bindings. Another store's products and the merchant's own unbound products are
   * left out. Of two products with one SKU (Odoo allows it; our sync prevents it), the oldest counts.
   */
  async boundSkus(
    client: OdooClient,
    storeId: string,
    productIds: readonly number[],
  ): Promise<Map<number, string>> {
    const products = await client.searchRead<{
      id: number;
      default_code: string | false;
      product_tmpl_id: Many2one;
    }>('product.product', [['id', 'in', [...productIds]]], ['default_code', 'product_tmpl_id'], {
      order: 'id asc',
    });
    const withSku = products.filter(
      (p) => typeof p.default_code === 'string' && p.default_code.trim() && p.product_tmpl_id,
    );
    if (withSku.length === 0) return new Map();
    const templateIds = [...new Set(withSku.map((p) => (p.product_tmpl_id as [number, string])[0]))];
    const bindings = await client.searchRead<{ id: number; name: string; res_id: number }>(
      'ir.model.data',
      [
        ['module', '=', this.config.ODOO_MODULE_NAME],
        ['model', '=', 'product.template'],
        ['res_id', 'in', templateIds],
      ],
      ['name', 'res_id'],
    );
    const prefixes = [this.prefix(storeId, 'product'), this.prefix(storeId, 'sku')];
    const ours = new Set(
      bindings.filter((b) => prefixes.some((prefix) => b.name.startsWith(prefix))).map((b) => b.res_id),
    );
    const skus = new Map<number, string>();
    const taken = new Set<string>();
    for (const product of withSku) {
      const sku = (product.default_code as string).trim();
      if (!ours.has((product.product_tmpl_id as [number, string])[0]) || taken.has(sku)) continue;
      taken.add(sku);
      skus.set(product.id, sku);
    }
    return skus;
  }

  /** The start of this store's binding names of `kind` (the bindings' own naming, whatever its escaping). */
  private prefix(storeId: string, kind: 'product' | 'sku'): string {
    return this.bindings.nameOf(storeId, { kind, sallaId: '0' }).slice(0, -1);
  }
}
