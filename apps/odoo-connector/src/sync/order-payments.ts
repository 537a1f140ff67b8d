import { Injectable } from '@nestjs/common';

import type { SalesOrderUpserted } from '@app/contracts';

import { OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import { OdooValidationError } from '../odoo-client';
import { roundMoney } from './order-amounts';
import { OdooLookups } from './odoo-lookups';
import { PaymentJournals } from './payment-journals';

const MOVE = 'account.move';
const PAYMENT = 'account.payment';

/** What registering (or not) the payment adds to the order's activity line. */
export interface PaymentNote {
  text: string;
  errorCode?: string;
}

interface Invoice {
  id: number;
  name: string;
  state: string;
  amount_total: number;
  amount_residual: number;
  payment_state: string;
}

/** A confirmed Odoo order: its id and name (`invoice_origin` of its invoices). */
export interface ConfirmedOrder {
  id: number;
  name: string;
}

/**
 * Paid Salla orders → a posted invoice and one payment in the journal mapped to the Salla payment method.
 * Each effect has its own claim-first binding (OdooBindings), so a redelivery or a crash between two calls
 * never invoices or pays twice:
 *  - `invoice_<storeId>_<orderId>`: the `sale.advance.payment.inv` wizard's `create_invoices`; a crash after it
 *    is healed by adopting the order's invoice (found by `invoice_origin` = the order's name);
 *  - posting is idempotent by state (a rival's post makes ours fail harmlessly);
 *  - `payment_<storeId>_<orderId>`: the `account.payment.register` wizard's `action_create_payments`, with our
 *    reference `Salla #<ref>` as the payment's memo, the natural key that heals a crash after it.
 * A payment is only ever made for the full Salla total, and only into an invoice nobody paid yet.
 */
@Injectable()
export class OrderPayments {
  constructor(
    private readonly bindings: OdooBindings,
    private readonly journals: PaymentJournals,
    private readonly lookups: OdooLookups,
  ) {}

  async register(odoo: StoreOdoo, order: SalesOrderUpserted, sale: ConfirmedOrder): Promise<PaymentNote> {
    const paymentTarget = paymentTargetOf(order.orderId);
    // Paid already (the usual redelivery): no call to Odoo at all.
    if (await this.bindings.cached(odoo, paymentTarget)) return { text: '' };
    const journal = await this.journals.journalFor(odoo, order.payment.methodCode);
    if ('missing' in journal) {
      return {
        text: `; the payment was NOT registered: ${journal.missing}. Once mapped, the next change of the order registers it`,
        errorCode: 'payment.journal_unmapped',
      };
    }

    const invoiceId = await this.ensureInvoice(odoo, order, sale);
    let invoice = await this.readInvoice(odoo, invoiceId);
    if (invoice.state === 'draft') invoice = await this.post(odoo, invoice);
    if (invoice.state !== 'posted') {
      return {
        text: `; the payment was NOT registered: its invoice ${invoice.name} is ${invoice.state} in Odoo`,
        errorCode: 'payment.invoice_not_posted',
      };
    }
    // The order was synced in this currency, so it is known (and remembered); 2 only if Odoo forgot it since.
    const decimals = (await this.lookups.currency(odoo.client, order.currency))?.decimals ?? 2;
    const round = (value: number) => roundMoney(value, decimals);
    const sallaTotal = round(Number(order.totals.total));
    if (round(invoice.amount_total) !== sallaTotal) {
      return {
        text: `; the payment was NOT registered: invoice ${invoice.name} totals ${round(invoice.amount_total).toFixed(decimals)}, not Salla's ${sallaTotal.toFixed(decimals)} ${order.currency}`,
        errorCode: 'payment.invoice_total_mismatch',
      };
    }
    const memo = `Salla #${order.referenceId}`;
    if (round(invoice.amount_residual) < sallaTotal) {
      // Someone paid it (in part) without us — perhaps this very payment after a crash: adopt ours if it is.
      const ours = await this.paymentByMemo(odoo, memo);
      if (ours) {
        await this.bindings.bindExisting(odoo, paymentTarget, ours);
        return { text: `, invoiced (${invoice.name}) and paid` };
      }
      return {
        text: `; invoice ${invoice.name} was already ${invoice.amount_residual > 0 ? 'partly ' : ''}paid in Odoo, so no payment was added`,
        errorCode: 'payment.paid_in_odoo',
      };
    }
    const bound = await this.bindings.ensure(odoo, paymentTarget, {
      adopt: () => this.paymentByMemo(odoo, memo),
      create: () => this.pay(odoo, invoice.id, journal.id, memo, sallaTotal),
    });
    return {
      text: `, invoiced (${invoice.name}) and ${bound.created ? 'paid' : 'found paid'}: ${sallaTotal.toFixed(decimals)} ${order.currency} in journal ${journal.code}`,
    };
  }

  /**
   * Posted invoices of an order about to be cancelled: Odoo cancels the order and its draft invoices but keeps
   * posted invoices and their payments, which only a credit note reverses (issued when Salla sends the refund,
   * OrderRefunds; a cancel alone never credits).
   */
  async postedInvoices(odoo: StoreOdoo, orderName: string): Promise<Invoice[]> {
    return odoo.client.searchRead<Invoice & Record<string, unknown>>(
      MOVE,
      [
        ['move_type', '=', 'out_invoice'],
        ['invoice_origin', '=', orderName],
        ['state', '=', 'posted'],
      ],
      ['name', 'state', 'amount_total', 'amount_residual', 'payment_state'],
      { order: 'id asc' },
    );
  }

  private async ensureInvoice(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    sale: ConfirmedOrder,
  ): Promise<number> {
    const bound = await this.bindings.ensure(
      odoo,
      { kind: 'invoice', sallaId: order.orderId, model: MOVE },
      {
        adopt: () => this.invoiceOf(odoo, sale.name),
        create: async () => {
          const context = { active_model: 'sale.order', active_ids: [sale.id], active_id: sale.id };
          const [wizard] = await odoo.client.create(
            'sale.advance.payment.inv',
            [{ advance_payment_method: 'delivered' }],
            { context },
          );
          // Returns None (no `result` over JSON-RPC): the invoice is found by its origin.
          await odoo.client.call('sale.advance.payment.inv', 'create_invoices', [wizard], { context });
          const id = await this.invoiceOf(odoo, sale.name);
          if (!id) throw new Error(`Odoo created no invoice for order ${sale.name}`);
          return id;
        },
      },
    );
    return bound.id;
  }

  private async post(odoo: StoreOdoo, invoice: Invoice): Promise<Invoice> {
    try {
      await odoo.client.call(MOVE, 'action_post', [invoice.id]);
    } catch (err) {
      // Two deliveries may both post: the loser finds it posted already.
      if (!(err instanceof OdooValidationError)) throw err;
      const now = await this.readInvoice(odoo, invoice.id);
      if (now.state !== 'posted') throw err;
      return now;
    }
    return this.readInvoice(odoo, invoice.id);
  }

  private async pay(
    odoo: StoreOdoo,
    invoiceId: number,
    journalId: number,
    memo: string,
    amount: number,
  ): Promise<number> {
    const resId = await registerPayment(odoo, invoiceId, journalId, memo, amount);
    if (resId) return resId;
    const found = await this.paymentByMemo(odoo, memo);
    if (!found) throw new Error(`Odoo registered no payment "${memo}"`);
    return found;
  }

  private async invoiceOf(odoo: StoreOdoo, orderName: string): Promise<number | null> {
    const rows = await odoo.client.searchRead<{ id: number }>(
      MOVE,
      [
        ['move_type', '=', 'out_invoice'],
        ['invoice_origin', '=', orderName],
        ['state', '!=', 'cancel'],
      ],
      ['id'],
      { limit: 1, order: 'id asc' },
    );
    return rows[0]?.id ?? null;
  }

  private async paymentByMemo(odoo: StoreOdoo, memo: string): Promise<number | null> {
    const field = await this.lookups.paymentMemoField(odoo.client);
    const rows = await odoo.client.searchRead<{ id: number }>(
      PAYMENT,
      [
        [field, '=', memo],
        ['partner_type', '=', 'customer'],
        ['state', 'not in', ['cancel', 'canceled', 'rejected']],
      ],
      ['id'],
      { limit: 1, order: 'id asc' },
    );
    return rows[0]?.id ?? null;
  }

  private async readInvoice(odoo: StoreOdoo, id: number): Promise<Invoice> {
    const [row] = await odoo.client.searchRead<Invoice & Record<string, unknown>>(
      MOVE,
      [['id', '=', id]],
      ['name', 'state', 'amount_total', 'amount_residual', 'payment_state'],
    );
    if (!row) throw new Error(`Odoo invoice ${id} bound to a Salla order no longer exists`);
    return row;
  }
}

/**
 * `account.payment.register` on one posted move (an invoice: money in; a credit note: money out), `memo` as
 * the payment's reference. Resolves to the payment's id when Odoo's answer names it, else null (find it by memo).
 */
export async function registerPayment(
  odoo: StoreOdoo,
  moveId: number,
  journalId: number,
  memo: string,
  amount: number,
): Promise<number | null> {
  const context = { active_model: MOVE, active_ids: [moveId], active_id: moveId };
  const [wizard] = await odoo.client.create(
    'account.payment.register',
    [{ journal_id: journalId, amount, communication: memo }],
    { context },
  );
  const action = await odoo.client.call<unknown>(
    'account.payment.register',
    'action_create_payments',
    [wizard],
    { context },
  );
  const resId =
    typeof action === 'object' && action !== null ? (action as { res_id?: unknown }).res_id : null;
  return typeof resId === 'number' && resId > 0 ? resId : null;
}

export const paymentTargetOf = (orderId: string) => ({
  kind: 'payment' as const,
  sallaId: orderId,
  model: PAYMENT,
});
