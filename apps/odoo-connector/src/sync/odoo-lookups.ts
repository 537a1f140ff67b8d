import { Injectable } from '@nestjs/common';

import type { OdooClient } from '../odoo-client';
import { WITH_ARCHIVED } from '../odoo-client';

export interface SalesTax {
  id: number;
  /** Percent as a fraction (0.15). */
  rate: number;
  priceInclude: boolean;
}

/** An Odoo currency and the decimals it rounds money to (KWD, BHD, OMR: 3). */
export interface OdooCurrency {
  id: number;
  name: string;
  decimals: number;
}

type CurrencyRow = {
  id: number;
  name: string;
  decimal_places?: number | false;
  rounding?: number | false;
};

const CURRENCY_FIELDS = ['name', 'decimal_places', 'rounding'];

/** Odoo derives `decimal_places` from `rounding` (0.001 → 3); either may be what a server answers with. */
function currencyOf(row: CurrencyRow): OdooCurrency {
  const fromRounding =
    typeof row.rounding === 'number' && row.rounding > 0 && row.rounding < 1
      ? Math.ceil(Math.log10(1 / row.rounding) - 1e-9)
      : 0;
  const decimals = typeof row.decimal_places === 'number' ? row.decimal_places : fromRounding;
  return { id: row.id, name: row.name, decimals };
}

/**
 * Reference data read from a store's Odoo, remembered per client (a settings change builds a new client,
 * which forgets them): countries, currencies, the company's currency and sales tax, price lists.
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

  /**
   * The active currency with this ISO code and its decimals, or null: Odoo cannot take the order in it. Not
   * remembered when missing: the merchant is asked to activate it, and the next change of the order should
   * find it.
   */
  async currency(client: OdooClient, code: string): Promise<OdooCurrency | null> {
    const key = `currency:${code}`;
    const found = await this.remember(client, key, async () => {
      const rows = await client.searchRead<CurrencyRow>(
        'res.currency',
        [
          ['name', '=', code],
          ['active', '=', true],
        ],
        CURRENCY_FIELDS,
        { limit: 1 },
      );
      return rows[0] ? currencyOf(rows[0]) : null;
    });
    if (found === null) this.memo.get(client)?.delete(key);
    return found;
  }

  /**
   * The currency of the user's company: the one Odoo books an order in when no price list says otherwise
   * (the order's `company_id` is the user's current company).
   */
  companyCurrency(client: OdooClient): Promise<OdooCurrency> {
    return this.remember(client, 'companyCurrency', async () => {
      const uid = await client.authenticate();
      const [user] = await client.searchRead<{ id: number; company_id: [number, string] | false }>(
        'res.users',
        [['id', '=', uid]],
        ['company_id'],
      );
      if (!user?.company_id) throw new Error(`The Odoo user ${uid} has no company`);
      const [company] = await client.searchRead<{ id: number; currency_id: [number, string] | false }>(
        'res.company',
        [['id', '=', user.company_id[0]]],
        ['currency_id'],
      );
      if (!company?.currency_id) throw new Error(`The Odoo company ${user.company_id[1]} has no currency`);
      const [row] = await client.searchRead<CurrencyRow>(
        'res.currency',
        [['id', '=', company.currency_id[0]]],
        CURRENCY_FIELDS,
        { context: WITH_ARCHIVED },
      );
      if (!row) throw new Error(`The currency of the Odoo company ${user.company_id[1]} cannot be read`);
      return currencyOf(row);
    });
  }

  /**
   * An active price list in this currency (the first by sequence), or null. A sale order takes its currency
   * from its price list, so this is what books an order in the customer's currency. Not remembered when
   * missing: the merchant is asked to create one, and the next change of the order should find it.
   */
  async pricelistId(client: OdooClient, currencyId: number): Promise<number | null> {
    const key = `pricelist:${currencyId}`;
    const id = await this.remember(client, key, async () => {
      const rows = await client.searchRead<{ id: number }>(
        'product.pricelist',
        [
          ['currency_id', '=', currencyId],
          ['active', '=', true],
        ],
        ['id'],
        { limit: 1, order: 'sequence asc, id asc' },
      );
      return rows[0]?.id ?? null;
    });
    if (id === null) this.memo.get(client)?.delete(key);
    return id;
  }

  /**
   * The digits Odoo keeps of a unit price (the "Product Price" decimal accuracy, 2 unless the merchant changed
   * it): a sale line's `price_unit` is rounded to them when written, whatever the currency. `fresh`: read again,
   * the merchant may have raised it since.
   */
  priceDigits(client: OdooClient, fresh = false): Promise<number> {
    if (fresh) this.memo.get(client)?.delete('priceDigits');
    return this.remember(client, 'priceDigits', async () => {
      const rows = await client.searchRead<{ id: number; digits: number }>(
        'decimal.precision',
        [['name', '=', 'Product Price']],
        ['digits'],
        { limit: 1 },
      );
      return typeof rows[0]?.digits === 'number' ? rows[0].digits : 2;
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

  /**
   * Whether the model is installed in this Odoo (its app: Inventory for `stock.picking`, Delivery for
   * `delivery.carrier`). Asked of `ir.model`: using a model that is not installed is an error in the Odoo user's
   * language (16–18) or a 404 (19). Remembered once true; a missing one is asked again (the merchant may install
   * the app any time); `fresh` asks again anyway.
   */
  async installed(client: OdooClient, model: string, fresh = false): Promise<boolean> {
    const key = `installed:${model}`;
    if (fresh) this.memo.get(client)?.delete(key);
    const found = await this.remember(client, key, async () => {
      const rows = await client.searchRead<{ id: number }>('ir.model', [['model', '=', model]], ['id'], {
        limit: 1,
      });
      return rows.length > 0;
    });
    if (!found) this.memo.get(client)?.delete(key);
    return found;
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
