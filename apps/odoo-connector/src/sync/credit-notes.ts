import { Injectable } from '@nestjs/common';

import type { StoreOdoo } from '../bindings/odoo-bindings';
import { OdooValidationError, WITH_ARCHIVED } from '../odoo-client';
import { roundMoney } from './order-amounts';

const MOVE = 'account.move';
const REVERSAL = 'account.move.reversal';

type Many2one = [number, string] | false;

/** The order's posted customer invoice, as a credit note needs it. */
export interface PostedInvoice {
  id: number;
  name: string;
  amount_total: number;
  payment_state: string;
  /** ISO code and the decimals Odoo rounds it to (KWD: 3). */
  currency: string;
  currencyId: number;
  decimals: number;
  partnerId: number | null;
  journalId: number | null;
  origin: string | false;
  lineIds: number[];
}

export interface CreditNote {
  id: number;
  name: string;
  state: string;
  ref: string | false;
  amount_total: number;
  amount_residual: number;
  payment_state: string;
}

export interface Tax {
  id: number;
  amount: number;
  amount_type: string;
  price_include: boolean;
}

const CREDIT_FIELDS = ['name', 'state', 'ref', 'amount_total', 'amount_residual', 'payment_state'];
const idOf = (value: Many2one | undefined): number | null => (Array.isArray(value) ? value[0] : null);

/**
 * Customer credit notes (`out_refund`) of an invoice, over RPC: the reversal wizard (`account.move.reversal`:
 * 16 `refund_method='refund'` + `reverse_moves()`, 17+ `refund_moves()`; both leave a draft credit note with
 * `reversed_entry_id` and `ref` "Reversal of: <invoice>, <reason>"), a one-line credit note created directly,
 * and posting.
 */
@Injectable()
export class CreditNotes {
  /** The oldest posted out_invoice of the Odoo order (its `invoice_origin` is the order's name), or null. */
  async postedInvoiceOf(odoo: StoreOdoo, saleId: number): Promise<PostedInvoice | null> {
    const [sale] = await odoo.client.searchRead<{ id: number; name: string }>(
      'sale.order',
      [['id', '=', saleId]],
      ['name'],
    );
    if (!sale) return null;
    const [row] = await odoo.client.searchRead<{
      id: number;
      name: string;
      amount_total: number;
      payment_state: string;
      currency_id: Many2one;
      partner_id: Many2one;
      journal_id: Many2one;
      invoice_origin: string | false;
      invoice_line_ids: number[];
    }>(
      MOVE,
      [
        ['move_type', '=', 'out_invoice'],
        ['invoice_origin', '=', sale.name],
        ['state', '=', 'posted'],
      ],
      [
        'name',
        'amount_total',
        'payment_state',
        'currency_id',
        'partner_id',
        'journal_id',
        'invoice_origin',
        'invoice_line_ids',
      ],
      { limit: 1, order: 'id asc' },
    );
    if (!row || !row.currency_id) return null;
    const [currency] = await odoo.client.searchRead<{
      id: number;
      name: string;
      decimal_places: number | false;
    }>('res.currency', [['id', '=', row.currency_id[0]]], ['name', 'decimal_places'], {
      context: WITH_ARCHIVED,
    });
    return {
      id: row.id,
      name: row.name,
      amount_total: row.amount_total,
      payment_state: row.payment_state,
      currency: currency?.name ?? row.currency_id[1],
      currencyId: row.currency_id[0],
      decimals: typeof currency?.decimal_places === 'number' ? currency.decimal_places : 2,
      partnerId: idOf(row.partner_id),
      journalId: idOf(row.journal_id),
      origin: row.invoice_origin,
      lineIds: row.invoice_line_ids ?? [],
    };
  }

  /** Credit notes against the invoice that still count (draft or posted), whoever made them. */
  creditNotesOf(odoo: StoreOdoo, invoiceId: number): Promise<CreditNote[]> {
    return odoo.client.searchRead<CreditNote & Record<string, unknown>>(
      MOVE,
      [
        ['move_type', '=', 'out_refund'],
        ['reversed_entry_id', '=', invoiceId],
        ['state', '!=', 'cancel'],
      ],
      CREDIT_FIELDS,
      { order: 'id asc' },
    );
  }

  async read(odoo: StoreOdoo, id: number): Promise<CreditNote> {
    const [row] = await odoo.client.searchRead<CreditNote & Record<string, unknown>>(
      MOVE,
      [['id', '=', id]],
      CREDIT_FIELDS,
    );
    if (!row) throw new Error(`Odoo credit note ${id} bound to a Salla refund no longer exists`);
    return row;
  }

  /** Reverses the whole invoice with Odoo's wizard (a draft credit note copying its lines); its id. */
  async reverse(odoo: StoreOdoo, invoice: PostedInvoice, reason: string): Promise<number> {
    const modern = (await odoo.client.version()).major >= 17;
    const context = { active_model: MOVE, active_ids: [invoice.id], active_id: invoice.id };
    const [wizard] = await odoo.client.create(
      REVERSAL,
      [
        {
          move_ids: [[6, 0, [invoice.id]]],
          reason,
          ...(invoice.journalId ? { journal_id: invoice.journalId } : {}),
          ...(modern ? {} : { refund_method: 'refund' }),
        },
      ],
      { context },
    );
    const action = await odoo.client.call<unknown>(
      REVERSAL,
      modern ? 'refund_moves' : 'reverse_moves',
      [wizard],
      {
        context,
      },
    );
    const resId =
      typeof action === 'object' && action !== null ? (action as { res_id?: unknown }).res_id : null;
    if (typeof resId === 'number' && resId > 0) return resId;
    const made = (await this.creditNotesOf(odoo, invoice.id))
      .filter((c) => String(c.ref).endsWith(reason))
      .pop();
    if (!made) throw new Error(`Odoo's reversal of invoice ${invoice.name} made no credit note`);
    return made.id;
  }

  /** A draft credit note of one line "`lineName`" for `amount`, taxed like the invoice; its id. */
  async createPartial(
    odoo: StoreOdoo,
    invoice: PostedInvoice,
    amount: number,
    reason: string,
    lineName: string,
  ): Promise<number> {
    const taxes = await this.taxesOf(odoo, invoice);
    const [id] = await odoo.client.create(MOVE, [
      {
        move_type: 'out_refund',
        partner_id: invoice.partnerId ?? false,
        currency_id: invoice.currencyId,
        ...(invoice.journalId ? { journal_id: invoice.journalId } : {}),
        reversed_entry_id: invoice.id,
        invoice_origin: invoice.origin,
        ref: reason,
        invoice_line_ids: [
          [
            0,
            0,
            {
              name: lineName,
              quantity: 1,
              price_unit: creditLinePrice(amount, taxes, invoice.decimals),
              tax_ids: [[6, 0, taxes.map((t) => t.id)]],
            },
          ],
        ],
      },
    ]);
    return id;
  }

  /** Posts the credit note; a rival that posted it first is fine. */
  async post(odoo: StoreOdoo, credit: CreditNote): Promise<CreditNote> {
    try {
      await odoo.client.call(MOVE, 'action_post', [credit.id]);
    } catch (err) {
      if (!(err instanceof OdooValidationError)) throw err;
      const now = await this.read(odoo, credit.id);
      if (now.state !== 'posted') throw err;
      return now;
    }
    return this.read(odoo, credit.id);
  }

  /** The taxes of the invoice's first taxed line: the order's sales tax treatment (none when untaxed). */
  private async taxesOf(odoo: StoreOdoo, invoice: PostedInvoice): Promise<Tax[]> {
    if (invoice.lineIds.length === 0) return [];
    const lines = await odoo.client.searchRead<{ id: number; tax_ids: number[] }>(
      'account.move.line',
      [['id', 'in', invoice.lineIds]],
      ['tax_ids'],
      { order: 'id asc' },
    );
    const taxIds = lines.find((l) => Array.isArray(l.tax_ids) && l.tax_ids.length > 0)?.tax_ids ?? [];
    if (taxIds.length === 0) return [];
    return odoo.client.searchRead<Tax & Record<string, unknown>>(
      'account.tax',
      [['id', 'in', taxIds]],
      ['amount', 'amount_type', 'price_include'],
      { context: WITH_ARCHIVED },
    );
  }
}

/**
 * The unit price of a one-unit line whose total with `taxes` is `amount` to the smallest unit: the amount
 * itself when the taxes are included in the price, else the pre-tax price nearest to amount / (1 + rate) that
 * Odoo's round-per-line turns into exactly `amount`. Some amounts have none (15 %: 0.04 is 0.03 + 0.00 or
 * 0.04 + 0.01): then the nearest, and the caller, which checks Odoo's own total, flags the difference.
 */
export function creditLinePrice(amount: number, taxes: readonly Tax[], decimals: number): number {
  const money = (v: number) => roundMoney(v, decimals);
  const excluded = taxes.filter((t) => !t.price_include);
  if (excluded.length === 0) return money(amount);
  const rates = excluded.filter((t) => t.amount_type === 'percent').map((t) => t.amount / 100);
  const totalOf = (price: number) => money(price + rates.reduce((sum, r) => sum + money(price * r), 0));
  const first = money(amount / (1 + rates.reduce((sum, r) => sum + r, 0)));
  const unit = 10 ** -decimals;
  const target = money(amount);
  // Nearest total first; on a tie the lower one (never credit more than was refunded).
  const [best] = [-2, -1, 0, 1, 2]
    .map((k) => money(first + k * unit))
    .map((price) => ({ price, off: totalOf(price) - target }))
    .sort((a, b) => Math.abs(a.off) - Math.abs(b.off) || a.off - b.off);
  return best.price;
}
