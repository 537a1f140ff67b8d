import {
  type SalesOrderCancelled,
  type SalesOrderRefunded,
  type SalesOrderUpserted,
  Topic,
} from '@app/contracts';

import { mapOrder } from '../map-order';
import { MalformedSallaResourceError } from '../malformed-resource.error';
import type { SallaOrder, SallaOrderStatusUpdate, SallaShipment } from '../salla-resources';
import { idOf, isRecord, recordsOf, textOf, withoutUndefined } from '../salla-values';
import {
  emission,
  emitted,
  syncTranslator,
  type TranslationDeps,
  type TranslationInput,
  type Translator,
} from '../translation.types';

/** Enough of an order to map without asking Salla: lines, amounts, status, reference and date. */
function isWholeOrder(o: unknown): o is SallaOrder {
  return (
    isRecord(o) &&
    idOf(o.id) !== undefined &&
    idOf(o.reference_id) !== undefined &&
    isRecord(o.status) &&
    textOf(o.status.slug, 64) !== undefined &&
    recordsOf(o.items).length > 0 &&
    isRecord(o.amounts) &&
    o.amounts.total !== undefined &&
    o.amounts.total !== null &&
    (o.date !== undefined || o.created_at !== undefined)
  );
}

/** Where a webhook keeps its order (or the order's id), which differs between the order event families. */
interface OrderLocation {
  /** The order as the webhook carries it, if it carries one. */
  candidate: unknown;
  id: string | undefined;
  /** For error messages: where the id was looked for. */
  idField: string;
}

/** `order.*` and `order.shipment.*`: `data` is the order. */
const orderInData = (input: TranslationInput): OrderLocation => ({
  candidate: input.data,
  id: idOf(input.data.id),
  idField: 'data.id',
});

/** `order.status.updated`: `data` is a status-history entry whose own `id` is NOT the order's; the order is nested. */
const orderInStatusUpdate = (input: TranslationInput): OrderLocation => {
  const data = input.data as SallaOrderStatusUpdate;
  const order = isRecord(data.order) ? data.order : undefined;
  return { candidate: order, id: idOf(order?.id) ?? idOf(data.order_id), idField: 'data.order.id' };
};

/** `shipment.*`: `data` is a shipment; only its `order_id` is used and the order is always re-read. */
const orderOfShipment = (input: TranslationInput): OrderLocation => ({
  candidate: undefined,
  id: idOf((input.data as SallaShipment).order_id),
  idField: 'data.order_id',
});

/** The whole order: the webhook's own copy when complete, otherwise `GET /orders/{id}`. */
async function wholeOrder(
  input: TranslationInput,
  deps: TranslationDeps,
  at: OrderLocation,
): Promise<SallaOrder> {
  if (isWholeOrder(at.candidate)) return at.candidate;
  if (at.id === undefined) throw new MalformedSallaResourceError(input.event, at.idField, 'is missing');
  return deps.reader.order(input.storeId, at.id);
}

async function upsertOf(
  input: TranslationInput,
  deps: TranslationDeps,
  at: OrderLocation,
): Promise<SalesOrderUpserted> {
  const order = await wholeOrder(input, deps, at);
  const mapped = mapOrder(order, { fallbackCurrency: await deps.fallbackCurrency(input.storeId) });
  // Salla's order bodies carry no `updated_at` (products and customers do), so the event's own time versions the
  // order: a delivery Salla retries minutes later (after a 503) must not undo the newer events applied meanwhile.
  // An order read back from the API is at least as new as its event, so that time is a safe lower bound too.
  return mapped.sourceUpdatedAt ? mapped : { ...mapped, sourceUpdatedAt: input.createdAtUtc };
}

/** Every order event that changes the order itself: the whole order, every time. */
export function orderUpserted(locate: (input: TranslationInput) => OrderLocation = orderInData): Translator {
  return async (input, deps) =>
    emitted(emission(Topic.SalesOrderUpserted, await upsertOf(input, deps, locate(input))));
}

export const orderStatusUpdated: Translator = orderUpserted(orderInStatusUpdate);

/**
 * `order.cancelled`: the upsert first (so the order's status and payment status are current), then the
 * cancellation; both keyed by the order, so consumers see them in that order.
 */
export const orderCancelled: Translator = async (input, deps) => {
  const order = await upsertOf(input, deps, orderInData(input));
  const cancelled: SalesOrderCancelled = {
    source: 'salla',
    orderId: order.orderId,
    referenceId: order.referenceId,
    cancelledAt: input.createdAtUtc,
  };
  return emitted(emission(Topic.SalesOrderUpserted, order), emission(Topic.SalesOrderCancelled, cancelled));
};

/** `order.deleted`: the order cannot be read any more; Odoo cancels its sale order (never deletes it). */
export const orderDeleted: Translator = syncTranslator((input) => {
  const orderId = idOf(input.data.id);
  if (orderId === undefined) throw new MalformedSallaResourceError(input.event, 'data.id', 'is missing');
  const cancelled: SalesOrderCancelled = withoutUndefined({
    source: 'salla',
    orderId,
    referenceId: idOf(input.data.reference_id),
    cancelledAt: input.createdAtUtc,
    reason: 'the order was deleted in Salla',
  });
  return emitted(emission(Topic.SalesOrderCancelled, cancelled));
});

/**
 * `order.refunded`: Salla sends the order, not a refund record, and fires this when the order's money went back
 * as a whole (status "restored"), so it is a full refund of the order's total. Partial refunds have no webhook.
 */
export const orderRefunded: Translator = async (input, deps) => {
  const order = await upsertOf(input, deps, orderInData(input));
  const refunded: SalesOrderRefunded = {
    source: 'salla',
    orderId: order.orderId,
    referenceId: order.referenceId,
    amount: order.totals.total,
    currency: order.currency,
    isFullRefund: true,
    refundedAt: input.createdAtUtc,
  };
  return emitted(emission(Topic.SalesOrderRefunded, refunded));
};

/**
 * `shipment.created` / `updated`: the order re-read, with the webhook's tracking number and courier when the
 * order does not show them yet (the API can lag the webhook by a moment).
 */
export const shipmentChanged: Translator = async (input, deps) => {
  const order = await upsertOf(input, deps, orderOfShipment(input));
  const shipment = input.data as SallaShipment;
  const trackingNumber = textOf(shipment.tracking_number, 128) ?? textOf(shipment.shipping_number, 128);
  const isCancelled = /cancel/i.test(typeof shipment.status === 'string' ? shipment.status : '');
  if (trackingNumber !== undefined && !isCancelled && order.shipping?.trackingNumber === undefined) {
    order.shipping = withoutUndefined({
      ...order.shipping,
      trackingNumber,
      courierName: order.shipping?.courierName ?? textOf(shipment.courier_name, 256),
    });
  }
  return emitted(emission(Topic.SalesOrderUpserted, order));
};

/** `shipment.cancelled`: the order re-read as it now stands (its cancelled shipment no longer counts). */
export const shipmentCancelled: Translator = orderUpserted(orderOfShipment);
