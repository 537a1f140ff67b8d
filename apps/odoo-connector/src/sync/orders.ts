import { Injectable } from '@nestjs/common';

import type { SalesOrderCancelled, SalesOrderRefunded, SalesOrderUpserted } from '@app/contracts';

import { OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import { OdooValidationError, type OdooValues, toOdooDatetime } from '../odoo-client';
import { CreditNotes } from './credit-notes';
import { chooseTaxes, type DraftLine, priceUnitFor, round2, roundMoney } from './order-amounts';
import { currencyMismatch, type OrderCurrency, orderCurrency, pricePrecisionFlag } from './order-currency';
import { OdooLookups } from './odoo-lookups';
import { OrderPayments, type PaymentNote } from './order-payments';
import { OrderRefunds } from './order-refunds';
import { confirmedText, isCancelled, isShipped, isToConfirm } from './order-status';
import { Partners } from './partners';
import { Products } from './products';
import { type OrderArrival, SHIPPED_HISTORY_TEXT, ShippedHistory } from './shipped-history';
import type { ApplyResult } from './sync-runner';

const ORDER = 'sale.order';

export interface OdooOrder {
  id: number;
  name: string;
  state: string;
  amount_total: number;
  order_line: number[];
  currency_id?: [number, string] | false;
}

/** What is read back of an order: enough for the total, currency and status checks. */
export const ORDER_FIELDS = ['name', 'state', 'amount_total', 'order_line', 'currency_id'];

/**
 * Orders → `sale.order`, created once per Salla order whatever happens (see OdooBindings): lines bound to
 * products (created from the line when unknown), a shipping line, a COD-fee line and a discount line, the
 * company's sales tax on the lines that make Odoo's total equal Salla's; `client_order_ref` = Salla
 * reference, `origin` = `Salla #<ref>` (the natural key that heals a crash between create and binding).
 * Status mapping: paid → confirmed, invoiced and paid in the journal mapped to its payment method
 * (OrderPayments); being fulfilled in Salla but not paid yet (cash on delivery) → confirmed, invoiced once paid;
 * cancelled → cancelled; anything else (under review, awaiting payment) stays a quotation (order-status.ts).
 */
@Injectable()
export class Orders {
  constructor(
    private readonly bindings: OdooBindings,
    private readonly products: Products,
    private readonly partners: Partners,
    private readonly lookups: OdooLookups,
    private readonly payments: OrderPayments,
    private readonly refunds: OrderRefunds,
    private readonly creditNotes: CreditNotes,
    private readonly shippedHistory: ShippedHistory,
  ) {}

  async applyUpsert(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    arrival: OrderArrival = 'live',
  ): Promise<ApplyResult> {
    const target = { kind: 'order' as const, sallaId: order.orderId, model: ORDER };
    const bindingName = this.bindings.nameOf(odoo.storeId, target);
    // Read once: its applied version decides skip-or-apply here, and `ensure` below reuses it.
    const cacheEntry = await this.bindings.cacheEntry(odoo, bindingName);
    const applied = cacheEntry?.appliedAt ?? null;
    if (order.sourceUpdatedAt && applied && order.sourceUpdatedAt < applied) {
      return {
        outcome: 'skipped',
        message: `An older version of order #${order.referenceId} than the one already synced: ignored`,
      };
    }
    const resolved = await orderCurrency(this.lookups, odoo.client, order);
    if ('refused' in resolved) return resolved.refused;
    const { currency } = resolved;

    const partner = await this.partners.ensure(
      odoo,
      order.customer,
      { customerId: order.customer.customerId, guestKey: order.orderId },
      false,
    );
    const shippingTo = order.shipping?.address
      ? await this.partners.deliveryAddress(odoo, partner.id, order.shipping.address)
      : null;
    const lines = await this.draftLines(odoo, order);
    const carrierId = order.shipping?.methodId
      ? await this.bindings.lookup(odoo, {
          kind: 'carrier',
          sallaId: order.shipping.methodId,
          model: 'delivery.carrier',
        })
      : null;
    const { header, lineVals, taxField } = await this.valuesOf(
      odoo,
      order,
      partner.id,
      lines,
      carrierId,
      currency,
      shippingTo,
    );
    const tooPrecise = await this.pricePrecision(odoo, order, lineVals, currency);
    if (tooPrecise) return tooPrecise;
    const ref = order.referenceId;

    const bound = await this.bindings.ensure(odoo, target, {
      cacheEntry,
      adopt: () => this.findByReference(odoo, ref),
      // Lines in the same call: the order is complete the moment it exists (a crash leaves no half order).
      create: async () =>
        (
          await odoo.client.create(ORDER, [
            { ...createOnly(order), ...header, order_line: lineVals.map((l) => [0, 0, l]) },
          ])
        )[0],
    });
    let current = await this.read(odoo, bound.id);
    let linesNote = '';
    if (!bound.created) {
      const editable = current.state === 'draft' || current.state === 'sent';
      // Odoo refuses any price list in a write on a confirmed order ("You cannot change the pricelist…").
      const { pricelist_id: pricelistId, ...rest } = header;
      await odoo.client.write(ORDER, [bound.id], editable && pricelistId ? header : rest);
      if (editable) {
        if (!(await this.sameLines(odoo, current, lineVals, taxField, currency.decimals))) {
          await odoo.client.write(ORDER, [bound.id], {
            order_line: [[5, 0, 0], ...lineVals.map((l) => [0, 0, l])],
          });
        }
      } else {
        linesNote = ' (lines of a confirmed order are not rewritten)';
      }
      current = await this.read(odoo, bound.id);
    }

    const flagged = amountsFlag(order, current, currency);
    if (flagged) {
      await this.bindings.markApplied(odoo, bindingName, order.sourceUpdatedAt);
      return linesNote ? changedAfterConfirmation(order, current, currency) : flagged;
    }
    // Past orders a backfill brings in, up to the first time one is applied in full (a retry after a crash
    // between confirming and settling it is still its first): see settleHistory.
    const history = arrival === 'backfill' && (bound.created || !applied);
    const action = await this.applyStatus(odoo, order, current, history);
    await this.bindings.markApplied(odoo, bindingName, order.sourceUpdatedAt);
    const total = roundMoney(Number(order.totals.total), currency.decimals).toFixed(currency.decimals);
    return {
      outcome: 'ok',
      message: `Order #${ref} ${bound.created ? 'created' : 'updated'} in Odoo (total ${total} ${order.currency})${action.text}${linesNote}`,
      ...(action.errorCode ? { errorCode: action.errorCode } : {}),
    };
  }

  /**
   * The order's header (with the price list of its currency) and line values (taxes chosen so Odoo's total
   * equals Salla's in the currency's decimals), shared with the batch.
   */
  async valuesOf(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    partnerId: number,
    lines: readonly DraftLine[],
    carrierId: number | null,
    currency: OrderCurrency,
    /** The delivery address contact (Partners.deliveryAddress); Odoo ships to the customer without one. */
    shippingTo: number | null = null,
  ): Promise<{ header: OdooValues; lineVals: Array<Record<string, unknown>>; taxField: string }> {
    const tax = await this.lookups.salesTax(odoo.client, false);
    const choice = chooseTaxes(lines, order.totals, tax, currency.decimals);
    const taxField = await this.lookups.saleLineTaxField(odoo.client);
    const lineVals = lines.map((line) => {
      const taxed = choice.taxed.has(line.role) && tax !== null;
      return {
        product_id: line.productId,
        name: line.name,
        product_uom_qty: line.quantity,
        price_unit: priceUnitFor(line, taxed, tax, currency.decimals),
        [taxField]: [[6, 0, taxed ? [tax.id] : []]],
      };
    });
    const ref = order.referenceId;
    const header: OdooValues = { partner_id: partnerId, client_order_ref: ref, origin: `Salla #${ref}` };
    if (carrierId) header.carrier_id = carrierId;
    if (shippingTo) header.partner_shipping_id = shippingTo;
    if (currency.pricelistId) header.pricelist_id = currency.pricelistId;
    return { header, lineVals, taxField };
  }

  /** A unit price Odoo would round (see pricePrecisionFlag); the setting is read again before flagging. */
  async pricePrecision(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    lineVals: ReadonlyArray<Record<string, unknown>>,
    currency: OrderCurrency,
  ): Promise<ApplyResult | null> {
    const flag = async (fresh: boolean) =>
      pricePrecisionFlag(order, lineVals, currency, await this.lookups.priceDigits(odoo.client, fresh));
    if (!(await flag(false))) return null;
    return flag(true);
  }

  /**
   * After a backfill batch created the order: the same currency, total and status steps as `applyUpsert`, from
   * the order as read back (ORDER_FIELDS). `confirmedNow`: the batch confirmed it (one call for all);
   * `deliveryCancelled`: and cancelled its delivery (ShippedHistory, one call for all).
   */
  async finishCreated(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    current: OdooOrder,
    batch: { confirmedNow: boolean; deliveryCancelled: boolean },
    currency: OrderCurrency,
  ): Promise<ApplyResult> {
    const ref = order.referenceId;
    const name = this.bindings.nameOf(odoo.storeId, { kind: 'order', sallaId: order.orderId });
    await this.bindings.markApplied(odoo, name, order.sourceUpdatedAt);
    const flagged = amountsFlag(order, current, currency);
    if (flagged) return flagged;
    // Settled with the batch when the batch confirmed it; otherwise here, as in the one-at-a-time path.
    const action = await this.applyStatus(odoo, order, current, !batch.confirmedNow);
    const total = roundMoney(Number(order.totals.total), currency.decimals).toFixed(currency.decimals);
    const confirmed = `${batch.confirmedNow ? confirmedText(order) : ''}${batch.deliveryCancelled ? SHIPPED_HISTORY_TEXT : ''}`;
    return {
      outcome: 'ok',
      message: `Order #${ref} created in Odoo (total ${total} ${order.currency})${confirmed}${action.text}`,
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
   * draft invoices with it but keeps posted invoices and their payments. A cancel is not a refund: Salla reports
   * the refund separately (sales.order.refunded → OrderRefunds issues the credit note), so the invoice is only
   * reported here — reversing it now would credit the customer twice when the refund arrives.
   */
  private async cancel(odoo: StoreOdoo, current: OdooOrder, label: string): Promise<PaymentNote> {
    const posted = await this.notCredited(odoo, await this.payments.postedInvoices(odoo, current.name));
    await odoo.client.call(ORDER, 'action_cancel', [current.id], {
      context: { disable_cancel_warning: true },
    });
    if (posted.length === 0) return { text: '' };
    const paid = posted.some((inv) => inv.payment_state !== 'not_paid');
    const names = posted.map((inv) => `${inv.name} (${round2(inv.amount_total).toFixed(2)})`).join(', ');
    return {
      text: `, but its posted invoice ${names} ${paid ? 'and its payment stay' : 'stays'} in Odoo: order #${label} was cancelled in Salla. When the customer is refunded in Salla, the connector issues the credit note; if the customer will not be refunded there, issue the credit note${paid ? ' and the refund' : ''} in Odoo yourself`,
      errorCode: 'order.credit_note_manual',
    };
  }

  /**
   * The invoices not credited in full already (a refund in Salla before the cancel made its credit note): only
   * those are left for the merchant to settle — advising a credit note for the others would refund twice.
   */
  private async notCredited<T extends { id: number; amount_total: number }>(
    odoo: StoreOdoo,
    invoices: T[],
  ): Promise<T[]> {
    const open: T[] = [];
    for (const invoice of invoices) {
      const credited = (await this.creditNotes.creditNotesOf(odoo, invoice.id))
        .filter((note) => note.state === 'posted')
        .reduce((sum, note) => sum + note.amount_total, 0);
      if (round2(credited) < round2(invoice.amount_total)) open.push(invoice);
    }
    return open;
  }

  /** A Salla refund → a posted credit note against the order's invoice, paid back (OrderRefunds). */
  applyRefunded(odoo: StoreOdoo, refund: SalesOrderRefunded): Promise<ApplyResult> {
    return this.refunds.apply(odoo, refund);
  }

  /** `history`: a past order a backfill brings in, not settled yet (settleHistory). */
  private async applyStatus(
    odoo: StoreOdoo,
    order: SalesOrderUpserted,
    current: OdooOrder,
    history: boolean,
  ): Promise<PaymentNote> {
    if (isCancelled(order)) {
      if (current.state === 'cancel') return { text: '' };
      const note = await this.cancel(odoo, current, order.referenceId);
      return { text: `, cancelled${note.text}`, errorCode: note.errorCode };
    }
    if (!isToConfirm(order)) return { text: '' };
    let confirmed = '';
    if (current.state === 'draft' || current.state === 'sent') {
      try {
        await odoo.client.call(ORDER, 'action_confirm', [current.id]);
      } catch (err) {
        // Two deliveries of the same order may both try: the loser finds it confirmed already.
        if (!(err instanceof OdooValidationError) || (await this.read(odoo, current.id)).state !== 'sale')
          throw err;
      }
      confirmed = confirmedText(order);
    }
    if (current.state === 'cancel') return { text: confirmed };
    if (history) {
      const cancelled = await this.settleHistory(odoo, [[order, current.id]]);
      if (cancelled.size > 0) confirmed += SHIPPED_HISTORY_TEXT;
    }
    if (order.payment.status !== 'paid') return { text: confirmed };
    const payment = await this.payments.register(odoo, order, current);
    return { text: `${confirmed}${payment.text}`, errorCode: payment.errorCode };
  }

  /**
   * Past orders a backfill brought in, confirmed. Odoo's confirmation dates an order now: a backfill would put
   * months of past sales on the install day in every sales report, so each gets back the date it was placed
   * in Salla (one write per distinct date). One already shipped in Salla has its deliveries cancelled
   * (ShippedHistory). Both can be repeated: a retry after a crash half-way settles what is left. Returns the
   * ids whose deliveries were cancelled.
   */
  async settleHistory(
    odoo: StoreOdoo,
    confirmed: ReadonlyArray<[SalesOrderUpserted, number]>,
  ): Promise<Set<number>> {
    const byDate = new Map<string, number[]>();
    for (const [order, id] of confirmed)
      byDate.set(placedDate(order), [...(byDate.get(placedDate(order)) ?? []), id]);
    for (const [date, ids] of byDate) await odoo.client.write(ORDER, ids, { date_order: date });
    return this.shippedHistory.cancelDeliveries(
      odoo,
      confirmed.filter(([order]) => isShipped(order)).map(([, id]) => id),
    );
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
      ORDER_FIELDS,
    );
    if (!row) throw new Error(`Odoo sale order ${id} bound to a Salla order no longer exists`);
    return row;
  }

  private async sameLines(
    odoo: StoreOdoo,
    current: OdooOrder,
    wanted: Array<Record<string, unknown>>,
    taxField: string,
    decimals: number,
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
        roundMoney(row.price_unit as number, decimals) === roundMoney(want.price_unit as number, decimals) &&
        taxes === wantTaxes
      );
    });
  }
}

/**
 * A confirmed order whose lines changed in Salla: Odoo's lines are left alone (its deliveries, invoice and payment
 * follow them), so the merchant is told to edit it there — not the tax hint of a fresh order's mismatch.
 */
function changedAfterConfirmation(
  order: SalesOrderUpserted,
  current: OdooOrder,
  currency: OrderCurrency,
): ApplyResult {
  const print = (value: number) => roundMoney(value, currency.decimals).toFixed(currency.decimals);
  return {
    outcome: 'failed',
    errorCode: 'order.changed_after_confirmation',
    message: `Order #${order.referenceId} changed in Salla after it was confirmed in Odoo (${current.name}): its total there is ${print(Number(order.totals.total))} ${order.currency}, Odoo's ${print(current.amount_total)}. The lines of a confirmed order are not rewritten, so edit ${current.name} in Odoo to match`,
  };
}

/**
 * Why the order as read back must not be confirmed or paid: booked in another currency, or a total that differs
 * from Salla's in the currency's smallest unit (0.01 SAR, 0.001 KWD). Null when it is right.
 */
function amountsFlag(
  order: SalesOrderUpserted,
  current: OdooOrder,
  currency: OrderCurrency,
): ApplyResult | null {
  // A cancellation applies whatever the amounts: the order is off either way.
  if (isCancelled(order)) return null;
  const wrongCurrency = currencyMismatch(order, current.currency_id, currency);
  if (wrongCurrency) return wrongCurrency;
  const round = (value: number) => roundMoney(value, currency.decimals);
  const sallaTotal = round(Number(order.totals.total));
  const odooTotal = round(current.amount_total);
  if (odooTotal === sallaTotal) return null;
  const print = (value: number) => value.toFixed(currency.decimals);
  return {
    outcome: 'failed',
    errorCode: 'order.total_mismatch',
    message: `Order #${order.referenceId} is in Odoo but its total ${print(odooTotal)} differs from Salla's ${print(sallaTotal)} ${order.currency} by ${print(round(odooTotal - sallaTotal))}: it was left unconfirmed for review (check the sales tax settings in Odoo)`,
  };
}

/** Salla's placement time as an Odoo datetime (UTC, `YYYY-MM-DD HH:MM:SS`). */
export const placedDate = (order: SalesOrderUpserted): string => toOdooDatetime(order.placedAt);

/**
 * Values a new order gets that an update never rewrites: the order date is when it was placed in Salla (a
 * quotation's date); Odoo's own confirmation later makes it the confirmation date, as Odoo means it.
 */
export const createOnly = (order: SalesOrderUpserted): OdooValues => ({ date_order: placedDate(order) });
