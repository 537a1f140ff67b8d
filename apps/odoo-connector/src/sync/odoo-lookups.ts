import { Injectable } from '@nestjs/common';

import type { OdooClient } from '../odoo-client';

export interface SalesTax {
  id: number;
  /** Percent as a fraction (0.15). */
  rate: number;
  priceInclude: boolean;
}

/**
 * Reference data read from a store's Odoo, remembered per client (a settings change builds a new client,
 * which forgets them): countries, currencies, the company's sales tax.
 */
@Injectable()
export class OdooLookups {
  private readonly memo = new WeakMap<OdooClient, Map<string, Promise<unknown>>>();

  countryId(client: OdooClient, code: string | undefined): Promise<number | null> {
    if (!code) return Promise.resolve(null);
    return this.remember(client, `country:${code}`, async () => {
      const rows = await client.searchRead<{ id: number }>(
        'res.country',
        [['code', '=', code.toUpperCase()]],
        ['id'],
        {
          limit: 1,
        },
      );
      return rows[0]?.id ?? null;
    });
  }

  /** The active currency with this ISO code, or null: Odoo cannot take the order in it. */
  currencyId(client: OdooClient, code: string): Promise<number | null> {
    return this.remember(client, `currency:${code}`, async () => {
      const rows = await client.searchRead<{ id: number }>(
        'res.currency',
        [
          ['name', '=', code],
          ['active', '=', true],
        ],
        ['id'],
        { limit: 1 },
      );
      return rows[0]?.id ?? null;
    });
  }

  /**
   * The company's percent sales tax, preferring one that matches `priceInclude` (the store's option; Salla's
   * canonical line prices are pre-tax, so false by default).
   */
  salesTax(client: OdooClient, priceInclude = false): Promise<SalesTax | null> {
    return this.remember(client, `tax:${priceInclude}`, async () => {
      const rows = await client.searchRead<{ id: number; amount: number; price_include: boolean }>(
        'account.tax',
        [
          ['type_tax_use', '=', 'sale'],
          ['amount_type', '=', 'percent'],
          ['active', '=', true],
        ],
        ['amount', 'price_include'],
        { order: 'id asc' },
      );
      const pick = rows.find((r) => Boolean(r.price_include) === priceInclude) ?? rows[0];
      return pick
        ? { id: pick.id, rate: pick.amount / 100, priceInclude: Boolean(pick.price_include) }
        : null;
    });
  }

  /** The name of the sale line's tax field: `tax_id` until 18, `tax_ids` from 19. */
  saleLineTaxField(client: OdooClient): Promise<string> {
    return this.remember(client, 'taxField', async () =>
      (await client.version()).major >= 19 ? 'tax_ids' : 'tax_id',
    );
  }

  /**
   * The active bank or cash journal with this code, or null. Not remembered when missing: the merchant may
   * create it any time, and the next order should find it.
   */
  async journalId(client: OdooClient, code: string): Promise<number | null> {
    const key = `journal:${code}`;
    const id = await this.remember(client, key, async () => {
      const rows = await client.searchRead<{ id: number }>(
        'account.journal',
        [
          ['code', '=', code],
          ['type', 'in', ['bank', 'cash']],
          ['active', '=', true],
        ],
        ['id'],
        { limit: 1 },
      );
      return rows[0]?.id ?? null;
    });
    if (id === null) this.memo.get(client)?.delete(key);
    return id;
  }

  /** The payment's free-text field our reference goes in: `ref` until 17, `memo` from 18. */
  paymentMemoField(client: OdooClient): Promise<string> {
    return this.remember(client, 'memoField', async () =>
      (await client.version()).major >= 18 ? 'memo' : 'ref',
    );
  }

  private remember<T>(client: OdooClient, key: string, load: () => Promise<T>): Promise<T> {
    let perClient = this.memo.get(client);
    if (!perClient) this.memo.set(client, (perClient = new Map<string, Promise<unknown>>()));
    const hit = perClient.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    const loading = load();
    perClient.set(key, loading);
    loading.catch(() => perClient.delete(key));
    return loading;
  }
}
