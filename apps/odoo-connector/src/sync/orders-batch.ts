import { Injectable } from '@nestjs/common';

import type { SalesOrderUpserted } from '@app/contracts';

import { BatchBindings, type BatchRecord } from '../bindings/batch-bindings';
import { type BindingTarget, OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import { WITH_ARCHIVED } from '../odoo-client';
import { type DraftLine, roundMoney } from './order-amounts';
import { type OrderCurrency, orderCurrency } from './order-currency';
import { OdooLookups } from './odoo-lookups';
import { createOnly, ORDER_FIELDS, type OdooOrder, Orders } from './orders';
import { isCancelled, isToConfirm } from './order-status';
import { likeLiteral, Partners } from './partners';
import { Products } from './products';
import type { ApplyResult } from './sync-runner';

const ORDER = 'sale.order';
const TEMPLATE = 'product.template';

/**
 * Backfill of orders in batches: what the live path asks Odoo per order — the order's binding, the customer's
 * partner (binding, then email/phone), each line's product binding and variant, the carrier — is asked once for
 * the whole batch; new partners and new orders are created with one `create` each (BatchBindings: records, then
 * their binding rows, the unique index still deciding), read back in one call and those to confirm (paid, or being fulfilled) confirmed in
 * one call. Whatever is not plain (an order already bound — a redelivery —, a cancelled one, one in a currency
 * Odoo cannot take, a line whose product is not bound, a binding a rival holds) goes through the one-at-a-time path of Orders, so the
 * guarantees stay those of the live path: one `sale.order` per Salla order however often it arrives.
 * Payment registration (invoice + payment) stays per order: each is its own claim-first pair of effects.
 */
@Injectable()
export class OrdersBatch {
  constructor(
    private readonly batch: BatchBindings,
    private readonly bindings: OdooBindings,
    private readonly orders: Orders,
    private readonly partners: Partners,
    private readonly products: Products,
    private readonly lookups: OdooLookups,
  ) {}

  async applyOrders(odoo: StoreOdoo, orders: readonly SalesOrderUpserted[]): Promise<ApplyResult[]> {
    const results = new Array<ApplyResult | undefined>(orders.length);
    const oneByOne: number[] = [];
    const plain: number[] = [];
    const currencies = new Map<number, OrderCurrency>();
    for (const [i, order] of orders.entries()) {
      const bound = await this.bindings.cached(odoo, orderTarget(order.orderId));
      // Refused currencies are flagged by the one-by-one path, with its message.
      const resolved = await orderCurrency(this.lookups, odoo.client, order);
      if ('currency' in resolved) currencies.set(i, resolved.currency);
      if (bound || isCancelled(order) || 'refused' in resolved) oneByOne.push(i);
      else plain.push(i);
    }

    const variants = await this.lineVariants(
      odoo,
      plain.map((i) => orders[i]),
    );
    const ready = plain.filter((i) => {
      const resolved = orders[i].lines.every((l) => variants.has(lineKey(l)));
      if (!resolved) oneByOne.push(i);
      return resolved;
    });
    const partnerByPosition = await this.partnersOf(
      odoo,
      ready.map((i) => orders[i]),
    );
    const partnerIds = new Map(ready.map((i, position) => [i, partnerByPosition.get(position)]));
    const shippingTo = await this.deliveryAddresses(odoo, orders, partnerIds);
    const carriers = await this.bindings.lookupMany(
      odoo,
      [...new Set(ready.map((i) => orders[i].shipping?.methodId).filter((m): m is string => !!m))].map(
        (sallaId) => ({ kind: 'carrier' as const, sallaId, model: 'delivery.carrier' }),
      ),
    );
    const services = new Map<string, Promise<number>>();
    const service = (role: 'shipping' | 'cod' | 'discount', label: string) => {
      if (!services.has(role)) services.set(role, this.products.serviceProduct(odoo, role, label));
      return services.get(role)!;
    };

    const records: BatchRecord[] = [];
    const recordOf: number[] = [];
    for (const i of ready) {
      const order = orders[i];
      const partnerId = partnerIds.get(i);
      if (!partnerId) {
        oneByOne.push(i);
        continue;
      }
      const lines = await this.draftLines(order, variants, service);
      const carrierId = order.shipping?.methodId ? (carriers.get(order.shipping.methodId) ?? null) : null;
      const { header, lineVals } = await this.orders.valuesOf(
        odoo,
        order,
        partnerId,
        lines,
        carrierId,
        currencies.get(i)!,
        shippingTo.get(i) ?? null,
      );
      if (await this.orders.pricePrecision(odoo, order, lineVals, currencies.get(i)!)) {
        oneByOne.push(i); // flagged there
        continue;
      }
      records.push({
        target: orderTarget(order.orderId),
        vals: { ...createOnly(order), ...header, order_line: lineVals.map((l) => [0, 0, l]) },
      });
      recordOf.push(i);
    }
    const outcomes = await this.batch.upsertMany(odoo, ORDER, records, {
      adoptMany: (rs) => this.ordersByReference(odoo, rs),
      update: false,
    });

    const created = new Map<number, number>();
    outcomes.forEach((o, k) => {
      if (o !== 'single' && o.created) created.set(recordOf[k], o.id);
      else oneByOne.push(recordOf[k]); // adopted, or bound by a rival: the full path checks lines and status
    });
    const current = await this.readOrders(odoo, [...created.values()]);
    const toConfirm = [...created].filter(([i, id]) => {
      const row = current.get(id);
      return (
        isToConfirm(orders[i]) && row?.state === 'draft' && sameAmounts(orders[i], row, currencies.get(i)!)
      );
    });
    let confirmedNow = false;
    if (toConfirm.length > 0) {
      try {
        await odoo.client.call(
          ORDER,
          'action_confirm',
          toConfirm.map(([, id]) => id),
        );
        confirmedNow = true;
      } catch {
        // One refused them all (one transaction): each is confirmed, or reported, on its own below.
      }
    }
    const confirmedIds = new Set(confirmedNow ? toConfirm.map(([, id]) => id) : []);
    const deliveriesCancelled = await this.orders.settleHistory(
      odoo,
      toConfirm.filter(([, id]) => confirmedIds.has(id)).map(([i, id]) => [orders[i], id]),
    );
    for (const [i, id] of created) {
      const row = current.get(id);
      if (!row) {
        oneByOne.push(i);
        continue;
      }
      const state = confirmedIds.has(id) ? 'sale' : row.state;
      results[i] = await this.orders.finishCreated(
        odoo,
        orders[i],
        { ...row, state },
        { confirmedNow: confirmedIds.has(id), deliveryCancelled: deliveriesCancelled.has(id) },
        currencies.get(i)!,
      );
    }
    for (const i of [...new Set(oneByOne)].sort((a, b) => a - b))
      results[i] ??= await this.orders.applyUpsert(odoo, orders[i], 'backfill');
    return results.map((r) => r!);
  }

  /** Salla product id → Odoo variant for every bound product of the orders' lines: two reads for all. */
  /**
   * The `product.product` of each line (keyed by lineKey) that is bound already: a Salla variant's own
   * binding, else its product's first variant. Lines left out send their order down the one-by-one path.
   */
  private async lineVariants(
    odoo: StoreOdoo,
    orders: readonly SalesOrderUpserted[],
  ): Promise<Map<string, number>> {
    const lines = orders.flatMap((o) => o.lines);
    const variantIds = [...new Set(lines.map((l) => l.variantId).filter((v): v is string => !!v))];
    const boundVariants = await this.bindings.lookupMany(
      odoo,
      variantIds.map((sallaId) => ({ kind: 'variant' as const, sallaId, model: 'product.product' })),
    );
    const variants = new Map<string, number>();
    for (const [variantId, id] of boundVariants) variants.set(`variant:${variantId}`, id);
    const productIds = [
      ...new Set(
        lines
          .filter((l) => !l.variantId)
          .map((l) => l.productId)
          .filter((p): p is string => !!p),
      ),
    ];
    const templates = await this.bindings.lookupMany(
      odoo,
      productIds.map((sallaId) => ({ kind: 'product' as const, sallaId, model: TEMPLATE })),
    );
    if (templates.size === 0) return variants;
    const rows = await odoo.client.searchRead<{ id: number; product_tmpl_id: [number, string] | false }>(
      'product.product',
      [['product_tmpl_id', 'in', [...new Set(templates.values())]]],
      ['product_tmpl_id'],
      // Archived too (a product hidden in Salla), the active variant first: as Products.variantForLine.
      { order: 'active desc, id asc', context: WITH_ARCHIVED },
    );
    const firstVariant = new Map<number, number>();
    for (const row of rows)
      if (row.product_tmpl_id && !firstVariant.has(row.product_tmpl_id[0]))
        firstVariant.set(row.product_tmpl_id[0], row.id);
    for (const [sallaId, templateId] of templates) {
      const variant = firstVariant.get(templateId);
      if (variant) variants.set(`product:${sallaId}`, variant);
    }
    return variants;
  }

  /**
   * Position in `orders` → partner id: bound customers as they are; the others matched by email, then phone, in one
   * search, and the rest created in one call (each customer once, however many orders it has).
   */
  private async partnersOf(
    odoo: StoreOdoo,
    orders: readonly SalesOrderUpserted[],
  ): Promise<Map<number, number>> {
    const targetOf = (o: SalesOrderUpserted): BindingTarget => ({
      kind: 'customer',
      sallaId: o.customer.customerId ?? `guest-${o.orderId}`,
      model: 'res.partner',
    });
    const firstOf = new Map<string, SalesOrderUpserted>();
    for (const o of orders) if (!firstOf.has(targetOf(o).sallaId)) firstOf.set(targetOf(o).sallaId, o);
    const unique = [...firstOf.values()];
    const records: BatchRecord[] = [];
    for (const o of unique)
      records.push({ target: targetOf(o), vals: await this.partners.valsOf(odoo, o.customer) });
    const outcomes = await this.batch.upsertMany(odoo, 'res.partner', records, {
      adoptMany: (rs) => this.partnersByContact(odoo, rs),
      update: false,
    });
    const bySallaId = new Map<string, number>();
    for (const [k, o] of unique.entries()) {
      const outcome = outcomes[k];
      if (outcome !== 'single') bySallaId.set(targetOf(o).sallaId, outcome.id);
    }
    const out = new Map<number, number>();
    orders.forEach((o, position) => {
      const id = bySallaId.get(targetOf(o).sallaId);
      if (id) out.set(position, id);
    });
    return out;
  }

  /** Unbound partners with the same email (case-insensitive), else the same phone: one search for the batch. */
  private async partnersByContact(
    odoo: StoreOdoo,
    records: readonly BatchRecord[],
  ): Promise<Array<number | null>> {
    const emails = [
      ...new Set(records.map((r) => r.vals.email).filter((e): e is string => typeof e === 'string' && !!e)),
    ];
    const phones = [
      ...new Set(records.map((r) => r.vals.phone).filter((p): p is string => typeof p === 'string' && !!p)),
    ];
    const terms: unknown[] = [
      ...emails.map((e) => ['email', '=ilike', likeLiteral(e)]),
      ...phones.map((p) => ['phone', '=', p]),
    ];
    if (terms.length === 0) return records.map(() => null);
    // Not delivery address contacts (Partners.match says why).
    const domain = ['&', ['type', '!=', 'delivery'], ...Array<string>(terms.length - 1).fill('|'), ...terms];
    const rows = await odoo.client.searchRead<{ id: number; email: string | false; phone: string | false }>(
      'res.partner',
      domain,
      ['email', 'phone'],
      { order: 'id asc' },
    );
    return records.map((r) => {
      const email = typeof r.vals.email === 'string' ? r.vals.email.toLowerCase() : null;
      const phone = typeof r.vals.phone === 'string' ? r.vals.phone : null;
      const byEmail = email ? rows.find((row) => row.email && row.email.toLowerCase() === email) : undefined;
      const byPhone = phone ? rows.find((row) => row.phone === phone) : undefined;
      return (byEmail ?? byPhone)?.id ?? null;
    });
  }

  /**
   * Position in `orders` → its delivery address contact (Partners.deliveryAddress), for the orders whose
   * partner is known: the new ones made in one create; one a rival is making goes the one-at-a-time way.
   */
  private async deliveryAddresses(
    odoo: StoreOdoo,
    orders: readonly SalesOrderUpserted[],
    partnerIds: ReadonlyMap<number, number | undefined>,
  ): Promise<Map<number, number>> {
    const wanted: Array<{ i: number; record: BatchRecord }> = [];
    for (const [i, partnerId] of partnerIds) {
      const address = orders[i].shipping?.address;
      if (!partnerId || !address) continue;
      wanted.push({ i, record: await this.partners.addressRecord(odoo, partnerId, address) });
    }
    const unique = new Map<string, BatchRecord>();
    for (const { record } of wanted) unique.set(this.bindings.nameOf(odoo.storeId, record.target), record);
    const records = [...unique.values()];
    if (records.length === 0) return new Map();
    const outcomes = await this.batch.upsertMany(odoo, 'res.partner', records, { update: false });
    const idOf = new Map<string, number>();
    for (const [k, outcome] of outcomes.entries()) {
      const name = this.bindings.nameOf(odoo.storeId, records[k].target);
      if (outcome !== 'single') idOf.set(name, outcome.id);
    }
    const out = new Map<number, number>();
    for (const { i, record } of wanted) {
      const name = this.bindings.nameOf(odoo.storeId, record.target);
      let id = idOf.get(name);
      if (id === undefined) {
        id = await this.partners.ensureAddress(odoo, record);
        idOf.set(name, id);
      }
      out.set(i, id);
    }
    return out;
  }

  /** Leftovers of a crash between creating the orders and binding them: same reference and origin. */
  private async ordersByReference(
    odoo: StoreOdoo,
    records: readonly BatchRecord[],
  ): Promise<Array<number | null>> {
    const origins = records.map((r) => String(r.vals.origin));
    const rows = await odoo.client.searchRead<{ id: number; origin: string | false }>(
      ORDER,
      [['origin', 'in', origins]],
      ['origin'],
      { order: 'id asc' },
    );
    return records.map((r) => rows.find((row) => row.origin === r.vals.origin)?.id ?? null);
  }

  private async readOrders(odoo: StoreOdoo, ids: number[]): Promise<Map<number, OdooOrder>> {
    if (ids.length === 0) return new Map();
    const rows = await odoo.client.searchRead<OdooOrder & Record<string, unknown>>(
      ORDER,
      [['id', 'in', ids]],
      ORDER_FIELDS,
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async draftLines(
    order: SalesOrderUpserted,
    variants: ReadonlyMap<string, number>,
    service: (role: 'shipping' | 'cod' | 'discount', label: string) => Promise<number>,
  ): Promise<DraftLine[]> {
    const lines: DraftLine[] = order.lines.map((line) => {
      const options = line.options.map((o) => `${o.name}: ${o.value}`).join(', ');
      return {
        role: 'product',
        productId: variants.get(lineKey(line))!,
        name: options ? `${line.name} (${options})` : line.name,
        quantity: line.quantity,
        unitPrice: Number(line.unitPrice),
      };
    });
    const extras: Array<['shipping' | 'cod' | 'discount', string, string, 1 | -1]> = [
      ['shipping', order.totals.shipping, 'Shipping', 1],
      ['cod', order.totals.cashOnDelivery, 'Cash on delivery fee', 1],
      ['discount', order.totals.discount, 'Discount', -1],
    ];
    for (const [role, amount, label, sign] of extras) {
      if (Number(amount) === 0) continue;
      lines.push({
        role,
        productId: await service(role, label),
        name:
          role === 'shipping' && order.shipping?.methodName
            ? `${label}: ${order.shipping.methodName}`
            : label,
        quantity: 1,
        unitPrice: sign * Number(amount),
      });
    }
    return lines;
  }
}

const orderTarget = (sallaId: string): BindingTarget => ({ kind: 'order', sallaId, model: ORDER });

/** Booked in the order's currency with Salla's total to its smallest unit: safe to confirm with the others. */
const sameAmounts = (order: SalesOrderUpserted, row: OdooOrder, currency: OrderCurrency): boolean =>
  (!row.currency_id || row.currency_id[0] === currency.id) &&
  roundMoney(row.amount_total, currency.decimals) ===
    roundMoney(Number(order.totals.total), currency.decimals);

/** How lineVariants keys a line: its Salla variant when it names one, else its product ('' when neither). */
function lineKey(line: { productId?: string; variantId?: string }): string {
  if (line.variantId) return `variant:${line.variantId}`;
  return line.productId ? `product:${line.productId}` : '';
}
