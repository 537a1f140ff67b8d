import type { SalesOrderUpserted } from '@app/contracts';

/*
 * What Salla's status and payment state ask of the Odoo order. Salla statuses are merchant-customisable, but each
 * custom one is built on a base slug, which is what is read here.
 */

const CANCELLED_SLUGS = new Set(['canceled', 'cancelled']);

/** The parcel has left the warehouse. */
const SHIPPED_SLUGS = new Set(['shipped', 'delivering', 'delivered', 'completed']);

/** The merchant accepted the order and is fulfilling it (not `under_review`, not `payment_pending`). */
const FULFILMENT_SLUGS = new Set(['in_progress', ...SHIPPED_SLUGS]);

export const isCancelled = (order: SalesOrderUpserted): boolean =>
  CANCELLED_SLUGS.has(order.status.slug) || order.payment.status === 'cancelled';

/**
 * A paid order, or one the merchant is fulfilling whatever its payment, is a confirmed `sale.order`: that is
 * what gives the warehouse its delivery and reserves the stock. A cash-on-delivery order is paid only once
 * handed over; left a quotation until then it would never show in the warehouse, and its units — taken off
 * Salla's stock when it was placed — would be offered again by the next stock push from Odoo.
 */
export const isToConfirm = (order: SalesOrderUpserted): boolean =>
  !isCancelled(order) && (order.payment.status === 'paid' || FULFILMENT_SLUGS.has(order.status.slug));

/** Said of an order this sync confirmed: why it was. */
export const confirmedText = (order: SalesOrderUpserted): string =>
  order.payment.status === 'paid'
    ? ', confirmed (paid)'
    : `, confirmed (${order.status.slug} in Salla, not paid yet: invoiced once Salla reports it paid)`;

/** Salla says the parcel has left (see ShippedHistory). */
export const isShipped = (order: SalesOrderUpserted): boolean => SHIPPED_SLUGS.has(order.status.slug);
