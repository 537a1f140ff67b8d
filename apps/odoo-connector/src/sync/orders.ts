import { Injectable } from '@nestjs/common';

import type { SalesOrderCancelled, SalesOrderRefunded, SalesOrderUpserted } from '@app/contracts';

import { OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import { OdooValidationError, type OdooValues } from '../odoo-client';
import { chooseTaxes, type DraftLine, priceUnitFor, round2 } from './order-amounts';
import { OdooLookups } from './odoo-lookups';
import { OrderPayments, type PaymentNote } from './order-payments';
import { Partners } from './partners';
import { Products } from './products';
import type { ApplyResult } from './sync-runner';

const ORDER = 'sale.order';

/** Salla base statuses that mean the order is cancelled. */
const CANCELLED_SLUGS = new Set(['canceled', 'cancelled']);

export const isCancelled = (order: SalesOrderUpserted): boolean =>
  CANCELLED_SLUGS.has(order.status.slug) || order.payment.status === 'cancelled';

export interface OdooOrder {
  id: number;
  name: string;
  state: string;
  amount_total: number;
  order_line: number[];
}

/**
 * Orders → `sale.order`, created once per Salla order whatever happens (see OdooBindings): lines bound to
 * products (created from the line when unknown), a shipping line, a COD-fee line and a discount line, the
 * company's sales tax on the lines that make Odoo's total equal Salla's; `client_order_ref` = Salla
 * reference, `origin` = `Salla #<ref>` (the natural key that heals a crash between create and binding).
 * Default status mapping: paid → confirmed, invoiced and paid in the journal mapped to its payment method
 * (OrderPayments); cancelled → cancelled; anything else stays a quotation.
 */
@Injectable()
export class Orders {
  constructor(
    private readonly bindings: OdooBindings,
    private readonly products: Products,
    private readonly partners: Partners,
    private readonly lookups: OdooLookups,
    private readonly payments: OrderPayments,
  ) {}

  async applyUpsert(odoo: StoreOdoo, order: SalesOrderUpserted): Promise<ApplyResult> {
    const target = { kind: 'order' as const, sallaId: order.orderId, model: ORDER };
    const bindingName = this.bindings.nameOf(odoo.storeId, target);
    const applied = await this.bindings.applied(odoo.storeId, bindingName);
    if (order.sourceUpdatedAt && applied && order.sourceUpdatedAt < applied) {
      return {
        outcome: 'skipped',
        message: `An older version of order #${order.referenceId} than the one already synced: ignored`,
      };
    }
    if (!(await this.lookups.currencyId(odoo.client, order.currency))) {
      return {
        outcome: 'failed',
        errorCode: 'order.currency_unknown',
        message: `Order #${order.referenceId} is in ${order.currency}, which is not an active currency in Odoo: activate it in Odoo, then the next change of the order syncs it`,
      };
    }

    const partner = await this.partners.ensure(
      odoo,
      order.customer,
      { customerId: order.customer.customerId, guestKey: order.orderId },
      false,
    );
    const lines = await this.draftLines(odoo, order);
    const carrierId = order.shipping?.methodId
      ? await this.bindings.lookup(odoo, {
          kind: 'carrier',
          sallaId: order.shipping.methodId,
          model: 'delivery.carrier',
        })
      : null;
    const { header, lineVals, taxField } = await this.valuesOf(odoo, order, partner.id, lines, carrierId);
    const ref = order.referenceId;

    const bound = await this.bindings.ensure(odoo, target, {
      adopt: () => this.findByReference(odoo, ref),
      // Lines in the same call: the order is complete the moment it exists (a crash leaves no half order).
      create: async () =>
        (await odoo.client.create(ORDER, [{ ...header, order_line: lineVals.map((l) => [0, 0, l]) }]))[0],
    });
    let current = await this.read(odoo, bound.id);
    let linesNote = '';
    if (!bound.created) {
      await odoo.client.write(ORDER, [bound.id], header);
      if (current.state === 'draft' || current.state === 'sent') {
        if (!(await this.sameLines(odoo, current, lineVals, taxField))) {
          await odoo.client.write(ORDER, [bound.id], {
            order_line: [[5, 0, 0], ...lineVals.map((l) => [0, 0, l])],
          });
        }
      } else {
        linesNote = ' (lines of a confirmed order are not rewritten)';
      }
      current = await this.read(odoo, bound.id);
    }

    const sallaTotal = round2(Number(order.totals.total));
    const odooTotal = round2(current.amount_total);
    if (odooTotal !== sallaTotal) {
      await this.bindings.markApplied(odoo.storeId, bindingName, order.sourceUpdatedAt);
      return {
        outcome: 'failed',
        errorCode: 'order.total_mismatch',
        message: `Order #${ref} is in Odoo but its total ${odooTotal.toFixed(2)} differs from Salla's ${sallaTotal.toFixed(2)} ${order.currency} by ${round2(odooTotal - sallaTotal).toFixed(2)}: it was left unconfirmed for review (check the sales tax settings in Odoo)`,
      };
    }
    const action = await this.applyStatus(odoo, order, current);
    await this.bindings.markApplied(odoo.storeId, bindingName, order.sourceUpdatedAt);
    return {
      outcome: 'ok',
      message: `Order #${ref} ${bound.created ? 'created' : 'updated'} in Odoo (total ${sallaTotal.toFixed(2)} ${order.currency})${action.text}${linesNote}`,
      ...(action.errorCode ? { errorCode: action.errorCode } : {}),
    };
  }

  /** The order's header and line values (taxes chosen so Odoo's total equals Salla's), shared with the batch. */
  async valuesOf(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    partnerId: number,
    lines: readonly DraftLine[],
    carrierId: number | null,
  ): Promise<{ header: OdooValues; lineVals: Array<Record<string, unknown>>; taxField: string }> {
    const tax = await this.lookups.salesTax(odoo.client, false);
    const choice = chooseTaxes(lines, order.totals, tax);
    const taxField = await this.lookups.saleLineTaxField(odoo.client);
    const lineVals = lines.map((line) => {
      const taxed = choice.taxed.has(line.role) && tax !== null;
      return {
        product_id: line.productId,
        name: line.name,
        product_uom_qty: line.quantity,
        price_unit: priceUnitFor(line, taxed, tax),
        [taxField]: [[6, 0, taxed ? [tax.id] : []]],
      };
    });
    const ref = order.referenceId;
    const header: OdooValues = { partner_id: partnerId, client_order_ref: ref, origin: `Salla #${ref}` };
    if (carrierId) header.carrier_id = carrierId;
    return { header, lineVals, taxField };
  }

  /**
   * After a batch created the order: the same total check and status step as `applyUpsert`, from the order
   * as read back (`name`, `state`, `amount_total`). `confirmedNow`: the batch confirmed it (one call for all).
   */
  async finishCreated(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    current: OdooOrder,
    confirmedNow: boolean,
  ): Promise<ApplyResult> {
    const ref = order.referenceId;
    const name = this.bindings.nameOf(odoo.storeId, { kind: 'order', sallaId: order.orderId });
    const sallaTotal = round2(Number(order.totals.total));
    const odooTotal = round2(current.amount_total);
    await this.bindings.markApplied(odoo.storeId, name, order.sourceUpdatedAt);
    if (odooTotal !== sallaTotal) {
      return {
        outcome: 'failed',
        errorCode: 'order.total_mismatch',
        message: `Order #${ref} is in Odoo but its total ${odooTotal.toFixed(2)} differs from Salla's ${sallaTotal.toFixed(2)} ${order.currency} by ${round2(odooTotal - sallaTotal).toFixed(2)}: it was left unconfirmed for review (check the sales tax settings in Odoo)`,
      };
    }
    const action = await this.applyStatus(odoo, order, current);
    return {
      outcome: 'ok',
      message: `Order #${ref} created in Odoo (total ${sallaTotal.toFixed(2)} ${order.currency})${confirmedNow ? ', confirmed (paid)' : ''}${action.text}`,
      ...(action.errorCode ? { errorCode: action.errorCode } : {}),
    };
  }

  async applyCancelled(odoo: StoreOdoo, cancelled: SalesOrderCancelled): Promise<ApplyResult> {
    const id = await this.bindings.lookup(odoo, { kind: 'order', sallaId: cancelled.orderId, model: ORDER });
    const label = cancelled.referenceId ?? cancelled.orderId;
    if (!id)
      return { outcome: 'skipped', message: `Order #${label} is not in Odoo, so there is nothing to cancel` };
    const current = await this.read(odoo, id);
    if (current.state === 'cancel')
      return { outcome: 'skipped', message: `Order #${label} was already cancelled in Odoo` };
    const note = await this.cancel(odoo, current, label);
    return {
      outcome: 'ok',
      message: `Order #${label} cancelled in Odoo${note.text}`,
      errorCode: note.errorCode,
    };
  }

  /**
   * Cancels the Odoo order (without the confirmation wizard 16–18 open for confirmed orders). Odoo cancels its
   * draft invoices with it but keeps posted invoices and their payments: those are reported for the merchant to
   * reverse with a credit note, which the connector never issues itself.
   */
  private async cancel(odoo: StoreOdoo, current: OdooOrder, label: string): Promise<PaymentNote> {
    const posted = await this.payments.postedInvoices(odoo, current.name);
    await odoo.client.call(ORDER, 'action_cancel', [current.id], {
      context: { disable_cancel_warning: true },
    });
    if (posted.length === 0) return { text: '' };
    const paid = posted.some((inv) => inv.payment_state !== 'not_paid');
    const names = posted.map((inv) => `${inv.name} (${round2(inv.amount_total).toFixed(2)})`).join(', ');
    return {
      text: `, but its posted invoice ${names} ${paid ? 'and its payment stay' : 'stays'} in Odoo: order #${label} was cancelled in Salla, so issue a credit note${paid ? ' and refund the payment' : ''} in Odoo — the connector does not reverse invoices`,
      errorCode: 'order.credit_note_manual',
    };
  }

  /** Credit notes are not created automatically (yet): the refund is reported for the merchant to book. */
  async applyRefunded(odoo: StoreOdoo, refund: SalesOrderRefunded): Promise<ApplyResult> {
    const id = await this.bindings.lookup(odoo, { kind: 'order', sallaId: refund.orderId, model: ORDER });
    const label = refund.referenceId ?? refund.orderId;
    return {
      outcome: 'skipped',
      errorCode: 'order.refund_manual',
      message: id
        ? `Order #${label} was refunded in Salla (${refund.amount} ${refund.currency}${refund.isFullRefund ? ', full refund' : ''}): create the credit note in Odoo; the connector does not issue credit notes`
        : `Order #${label} was refunded in Salla but is not in Odoo`,
    };
  }

  private async applyStatus(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    current: OdooOrder,
  ): Promise<PaymentNote> {
    if (isCancelled(order)) {
      if (current.state === 'cancel') return { text: '' };
      const note = await this.cancel(odoo, current, order.referenceId);
      return { text: `, cancelled${note.text}`, errorCode: note.errorCode };
    }
    if (order.payment.status !== 'paid') return { text: '' };
    let confirmed = '';
    if (current.state === 'draft' || current.state === 'sent') {
      try {
        await odoo.client.call(ORDER, 'action_confirm', [current.id]);
      } catch (err) {
        // Two deliveries of the same order may both try: the loser finds it confirmed already.
        if (!(err instanceof OdooValidationError) || (await this.read(odoo, current.id)).state !== 'sale')
          throw err;
      }
      confirmed = ', confirmed (paid)';
    }
    if (current.state === 'cancel') return { text: confirmed };
    const payment = await this.payments.register(odoo, order, current);
    return { text: `${confirmed}${payment.text}`, errorCode: payment.errorCode };
  }

  private async draftLines(odoo: StoreOdoo, order: SalesOrderUpserted): Promise<DraftLine[]> {
    const lines: DraftLine[] = [];
    for (const line of order.lines) {
      const options = line.options.map((o) => `${o.name}: ${o.value}`).join(', ');
      lines.push({
        role: 'product',
        productId: await this.products.variantForLine(odoo, line),
        name: options ? `${line.name} (${options})` : line.name,
        quantity: line.quantity,
        unitPrice: Number(line.unitPrice),
      });
    }
    const extra = async (
      role: 'shipping' | 'cod' | 'discount',
      amount: string,
      label: string,
      sign: 1 | -1,
    ) => {
      if (Number(amount) === 0) return;
      lines.push({
        role,
        productId: await this.products.serviceProduct(odoo, role, label),
        name:
          role === 'shipping' && order.shipping?.methodName
            ? `${label}: ${order.shipping.methodName}`
            : label,
        quantity: 1,
        unitPrice: sign * Number(amount),
      });
    };
    await extra('shipping', order.totals.shipping, 'Shipping', 1);
    await extra('cod', order.totals.cashOnDelivery, 'Cash on delivery fee', 1);
    await extra('discount', order.totals.discount, 'Discount', -1);
    return lines;
  }

  private async findByReference(odoo: StoreOdoo, ref: string): Promise<number | null> {
    const rows = await odoo.client.searchRead<{ id: number }>(
      ORDER,
      [
        ['client_order_ref', '=', ref],
        ['origin', '=', `Salla #${ref}`],
      ],
      ['id'],
      { limit: 1, order: 'id asc' },
    );
    return rows[0]?.id ?? null;
  }

  private async read(odoo: StoreOdoo, id: number): Promise<OdooOrder> {
    const [row] = await odoo.client.searchRead<OdooOrder & Record<string, unknown>>(
      ORDER,
      [['id', '=', id]],
      ['name', 'state', 'amount_total', 'order_line'],
    );
    if (!row) throw new Error(`Odoo sale order ${id} bound to a Salla order no longer exists`);
    return row;
  }

  private async sameLines(
    odoo: StoreOdoo,
    current: OdooOrder,
    wanted: Array<Record<string, unknown>>,
    taxField: string,
  ): Promise<boolean> {
    if (current.order_line.length !== wanted.length) return false;
    const rows = await odoo.client.searchRead<{ id: number } & Record<string, unknown>>(
      'sale.order.line',
      [['order_id', '=', current.id]],
      ['product_id', 'product_uom_qty', 'price_unit', taxField],
      { order: 'id asc' },
    );
    return rows.every((row, i) => {
      const want = wanted[i];
      const product: unknown = Array.isArray(row.product_id)
        ? (row.product_id as unknown[])[0]
        : row.product_id;
      const taxes = JSON.stringify(row[taxField] ?? []);
      const wantTaxes = JSON.stringify((want[taxField] as [number, number, number[]][])[0][2]);
      return (
        product === want.product_id &&
        row.product_uom_qty === want.product_uom_qty &&
        round2(row.price_unit as number) === round2(want.price_unit as number) &&
        taxes === wantTaxes
      );
    });
  }
}
