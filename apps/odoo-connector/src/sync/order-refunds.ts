import { Injectable } from '@nestjs/common';

import type { SalesOrderRefunded } from '@app/contracts';

import { OdooBindings, type BindingTarget, type StoreOdoo } from '../bindings/odoo-bindings';
import { OdooValidationError } from '../odoo-client';
import { CreditNotes, type CreditNote, type PostedInvoice } from './credit-notes';
import { roundMoney } from './order-amounts';
import { paymentTargetOf, registerPayment } from './order-payments';
import { OdooLookups } from './odoo-lookups';
import type { ApplyResult } from './sync-runner';

const PAYMENT = 'account.payment';

/** Odoo's payment states of a move whose money has been received (16: paid; 17+ also in_payment). */
const PAID_STATES = new Set(['paid', 'in_payment']);

/**
 * Salla refunds → posted Odoo credit notes against the order's posted invoice, and the money paid back.
 *  - Full refund, nothing credited yet: the invoice is reversed with Odoo's own wizard (CreditNotes.reverse).
 *  - Otherwise one credit-note line of the refunded amount, taxed like the invoice, so its total is Salla's.
 *  - Never more than invoiced: credit notes of the invoice (ours and the merchant's) are summed first.
 *  - Exactly once: the credit note has a claim-first binding per refund (`refund_<store>_<refundId>`) and its
 *    `ref` ends with the refund's tag (`Salla refund #<id>`), the natural key that heals a crash between the
 *    create and the binding; posting is idempotent by state; the refund payment has its own binding and the tag
 *    as its memo. The invoice must have been paid through the connector (its payment's journal is where the
 *    money goes back from); otherwise the credit note stays open and the merchant is told to pay it back.
 */
@Injectable()
export class OrderRefunds {
  constructor(
    private readonly bindings: OdooBindings,
    private readonly lookups: OdooLookups,
    private readonly notes: CreditNotes,
  ) {}

  async apply(odoo: StoreOdoo, refund: SalesOrderRefunded): Promise<ApplyResult> {
    const label = refund.referenceId ?? refund.orderId;
    const what = `Refund of ${refund.amount} ${refund.currency} of order #${label}`;
    const saleId = await this.bindings.lookup(odoo, {
      kind: 'order',
      sallaId: refund.orderId,
      model: 'sale.order',
    });
    if (!saleId)
      return {
        outcome: 'skipped',
        message: `${what}: the order is not in Odoo, so there is nothing to credit`,
      };
    const invoice = await this.notes.postedInvoiceOf(odoo, saleId);
    if (!invoice) {
      return {
        outcome: 'skipped',
        errorCode: 'order.refund_not_invoiced',
        message: `${what}: the order has no posted invoice in Odoo (it was not paid or invoiced there), so there is nothing to credit`,
      };
    }
    if (invoice.currency !== refund.currency) {
      return {
        outcome: 'failed',
        errorCode: 'order.refund_currency_mismatch',
        message: `${what}: its invoice ${invoice.name} is in ${invoice.currency}, so no credit note was made: credit it in Odoo by hand`,
      };
    }
    const money = (v: number) => roundMoney(v, invoice.decimals);
    const show = (v: number) => `${money(v).toFixed(invoice.decimals)} ${invoice.currency}`;
    const amount = money(Number(refund.amount));
    const tag = refundTag(refund);
    const target: BindingTarget = { kind: 'refund', sallaId: refundKey(refund), model: 'account.move' };

    const boundId = await this.bindings.lookup(odoo, target);
    const credits = await this.notes.creditNotesOf(odoo, invoice.id);
    const ours = credits.find((c) => (boundId ? c.id === boundId : isTagged(c, tag)));
    const others = credits.filter((c) => c !== ours && c.id !== boundId);
    const full = refund.isFullRefund && others.length === 0;
    if (!full && amount <= 0) {
      return { outcome: 'skipped', message: `${what}: nothing to credit` };
    }
    if (!boundId && !ours) {
      const credited = money(others.reduce((sum, c) => sum + c.amount_total, 0));
      const adding = full ? invoice.amount_total : amount;
      if (money(credited + adding) > money(invoice.amount_total)) {
        return {
          outcome: 'failed',
          errorCode: 'order.refund_exceeds_invoice',
          message: `${what} refused: invoice ${invoice.name} is ${show(invoice.amount_total)} and ${show(credited)} of it is already credited (${others.map((c) => c.name).join(', ')}), so at most ${show(invoice.amount_total - credited)} can be refunded; no credit note was made`,
        };
      }
    }
    const bound = await this.bindings.ensure(odoo, target, {
      adopt: async () =>
        (await this.notes.creditNotesOf(odoo, invoice.id)).find((c) => isTagged(c, tag))?.id ?? null,
      create: () =>
        full
          ? this.notes.reverse(odoo, invoice, reasonOf(refund, tag))
          : this.notes.createPartial(
              odoo,
              invoice,
              amount,
              reasonOf(refund, tag),
              `Refund (Salla order #${label})`,
            ),
    });

    let credit = await this.notes.read(odoo, bound.id);
    const expected = full ? invoice.amount_total : amount;
    if (credit.state === 'cancel') {
      return {
        outcome: 'skipped',
        message: `${what}: its credit note ${credit.name} was cancelled in Odoo; nothing done`,
      };
    }
    if (credit.state === 'draft') {
      if (money(credit.amount_total) !== money(expected)) {
        return {
          outcome: 'ok',
          errorCode: 'order.refund_total_mismatch',
          message: `${what}: credit note ${nameOf(credit)} totals ${show(credit.amount_total)}, not ${show(expected)} (check the sales tax settings in Odoo): it was left in draft for review`,
        };
      }
      credit = await this.notes.post(odoo, credit);
    }
    const head = `${what} ${bound.created ? 'credited' : 'found credited'} in Odoo: credit note ${credit.name} of ${show(credit.amount_total)} ${full ? 'reverses' : 'against'} invoice ${invoice.name}`;
    const pay = await this.payBack(odoo, refund, invoice, credit, tag, show);
    // A full refund reverses the invoice as it is; a different Salla amount is shown, not credited.
    const differs = full && amount !== money(invoice.amount_total);
    const difference = differs
      ? `; Salla refunded ${show(amount)} but the invoice was ${show(invoice.amount_total)}: check the difference`
      : '';
    const errorCode = pay.errorCode ?? (differs ? 'order.refund_amount_differs' : undefined);
    return {
      outcome: 'ok',
      message: `${head}${pay.text}${difference}`,
      ...(errorCode ? { errorCode } : {}),
    };
  }

  private async payBack(
    odoo: StoreOdoo,
    refund: SalesOrderRefunded,
    invoice: PostedInvoice,
    credit: CreditNote,
    tag: string,
    show: (v: number) => string,
  ): Promise<{ text: string; errorCode?: string }> {
    const target: BindingTarget = { kind: 'refund_payment', sallaId: refundKey(refund), model: PAYMENT };
    if (await this.bindings.cached(odoo, target)) return { text: ', paid back' };
    if (!PAID_STATES.has(invoice.payment_state)) {
      return {
        text: `; invoice ${invoice.name} is not paid in Odoo (${invoice.payment_state}), so nothing was paid back: match the credit note with the invoice in Odoo`,
        errorCode: 'refund.invoice_unpaid',
      };
    }
    const journal = await this.paymentJournal(odoo, refund.orderId);
    if (!journal) {
      return {
        text: `; the money was NOT paid back in Odoo: the order's payment was not registered by the connector, so its journal is unknown — register the refund of ${show(credit.amount_residual)} on ${credit.name} by hand`,
        errorCode: 'refund.payment_manual',
      };
    }
    const memo = tag;
    const bound = await this.bindings
      .ensure(odoo, target, {
        adopt: () => this.refundPaymentByMemo(odoo, memo),
        create: async () => {
          const fresh = await this.notes.read(odoo, credit.id);
          if (fresh.amount_residual <= 0) throw new SettledError(fresh.name);
          const id = await registerPayment(odoo, credit.id, journal.id, memo, fresh.amount_residual);
          const found = id ?? (await this.refundPaymentByMemo(odoo, memo));
          if (!found) throw new Error(`Odoo registered no refund payment "${memo}"`);
          return found;
        },
      })
      .catch((err: unknown) => {
        if (err instanceof SettledError) return null;
        throw err;
      });
    if (!bound) {
      return {
        text: `; credit note ${credit.name} was already settled in Odoo, so no refund payment was added`,
        errorCode: 'refund.settled_in_odoo',
      };
    }
    return { text: `, ${bound.created ? 'paid back' : 'found paid back'} from journal ${journal.code}` };
  }

  /** The journal the connector paid the order's invoice into: the money goes back from there. */
  private async paymentJournal(
    odoo: StoreOdoo,
    orderId: string,
  ): Promise<{ id: number; code: string } | null> {
    const paymentId = await this.bindings.lookup(odoo, paymentTargetOf(orderId));
    if (!paymentId) return null;
    const [payment] = await odoo.client.searchRead<{ id: number; journal_id: [number, string] | false }>(
      PAYMENT,
      [['id', '=', paymentId]],
      ['journal_id'],
    );
    if (!payment?.journal_id) return null;
    const [journal] = await odoo.client.searchRead<{ id: number; code: string | false }>(
      'account.journal',
      [['id', '=', payment.journal_id[0]]],
      ['code'],
    );
    return journal ? { id: journal.id, code: journal.code || payment.journal_id[1] } : null;
  }

  private async refundPaymentByMemo(odoo: StoreOdoo, memo: string): Promise<number | null> {
    const field = await this.lookups.paymentMemoField(odoo.client);
    const rows = await odoo.client.searchRead<{ id: number }>(
      PAYMENT,
      [
        [field, '=', memo],
        ['partner_type', '=', 'customer'],
        ['payment_type', '=', 'outbound'],
        ['state', 'not in', ['cancel', 'canceled', 'rejected']],
      ],
      ['id'],
      { limit: 1, order: 'id asc' },
    );
    return rows[0]?.id ?? null;
  }
}

/** Salla's refund id; without one the refund's own facts (two equal refunds at the same instant are one). */
export const refundKey = (r: SalesOrderRefunded): string =>
  r.refundId ?? `${r.orderId}:${r.refundedAt}:${r.amount}`;

/** What ends the credit note's `ref` and is the refund payment's memo: the refund's natural key in Odoo. */
export const refundTag = (r: SalesOrderRefunded): string =>
  r.refundId ? `Salla refund #${r.refundId}` : `Salla refund of ${r.amount} ${r.currency} at ${r.refundedAt}`;

const reasonOf = (r: SalesOrderRefunded, tag: string): string => (r.reason ? `${r.reason} — ${tag}` : tag);

/** A draft credit note has no number yet ('/' in 16, empty from 17). */
const nameOf = (c: CreditNote): string => (c.name && c.name !== '/' ? c.name : `(draft, id ${c.id})`);

const isTagged = (c: CreditNote, tag: string): boolean => typeof c.ref === 'string' && c.ref.endsWith(tag);

/** The credit note has nothing left to pay back (paid in Odoo by someone else): not an error to retry. */
class SettledError extends OdooValidationError {
  constructor(name: string) {
    super(`Credit note ${name} is already settled`);
  }
}
