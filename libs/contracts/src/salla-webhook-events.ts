/**
 * The Salla webhook events this integration acts on: declared once, here, and shared by the gateway (which
 * lets only these into Kafka) and the Salla connector (which maps them). Anything else is answered
 * `200 {"ignored":true}` by the gateway and neither stored nor logged: data minimisation, since events such as
 * `customer.login`, `customer.otp.request` or `review.added` carry personal data that sync never needs.
 *
 * Adding a name here is the whole change needed for the gateway to start forwarding it.
 */
export const SALLA_HANDLED_WEBHOOK_EVENTS = [
  // App lifecycle: install, tokens (easy mode), settings (the Odoo connection), uninstall (stop calling
  // Salla), and the plan: trial and subscription decide whether a store may sync at all.
  // (`app.feedback.created` is free text from the merchant to the app vendor: nothing to sync.)
  'app.installed',
  'app.store.authorize',
  'app.updated',
  'app.uninstalled',
  'app.settings.updated',
  'app.trial.started',
  'app.trial.expired',
  'app.trial.canceled',
  'app.subscription.started',
  'app.subscription.expired',
  'app.subscription.canceled',
  'app.subscription.renewed',

  // Orders: every change that moves an order, its lines, totals, payment or shipping into or within Odoo.
  // Salla has no stock-changed event, so orders are also how sold quantities are inferred.
  // (`order.shipment.creating` is a hook for shipping apps before a shipment exists; `order.coupon.updated`
  // is reflected in the totals events.)
  'order.created',
  'order.updated',
  'order.status.updated',
  'order.cancelled',
  'order.refunded',
  'order.deleted',
  'order.payment.updated',
  'order.products.updated',
  'order.total.price.updated',
  'order.shipping.address.updated',
  'order.shipment.created',
  'order.shipment.cancelled',

  // Products: existence, quantity, price, status (active/hidden), category, brand and tags. Brand and tag
  // changes carry only part of the product, so the connector re-reads the whole product and emits it: the
  // canonical product is always complete. `product.updated` and `product.available` are deprecated by Salla
  // but may still arrive. Left out: `product.image.updated` and `product.channels.changed` (media and sales
  // channels have no field in the canonical product).
  'product.created',
  'product.updated',
  'product.deleted',
  'product.available',
  'product.quantity.low',
  'product.price.updated',
  'product.status.updated',
  'product.category.updated',
  'product.brand.updated',
  'product.tags.updated',

  // Customers: orders reference them; Odoo needs the partner. (`customer.login` and `customer.otp.request`
  // are authentication noise full of personal data.)
  'customer.created',
  'customer.updated',

  // Catalogue structure. (`brand.*` has no canonical field, see products.)
  'category.created',
  'category.updated',
  'category.deleted',

  // Shipping companies become Odoo carriers (canonical shipping methods). A zone change re-reads the zone's
  // company, so a carrier that first appears through its zones is still created.
  'shipping.company.created',
  'shipping.company.updated',
  'shipping.company.deleted',
  'shipping.zone.created',
  'shipping.zone.updated',

  // Shipments carry the tracking number and courier of an order's delivery (canonical order shipping).
  // (`shipment.creating` fires before the shipment exists, for shipping apps; it has no tracking yet.)
  // `store.branch.*` is left out: orders and stock refer to branches by id, and the id -> Odoo warehouse
  // binding is a setting, not something a branch's name or address change affects.
  'shipment.created',
  'shipment.updated',
  'shipment.cancelled',
] as const;

export type SallaHandledWebhookEvent = (typeof SALLA_HANDLED_WEBHOOK_EVENTS)[number];

const HANDLED: ReadonlySet<string> = new Set(SALLA_HANDLED_WEBHOOK_EVENTS);

/** True when the gateway forwards this Salla event (and the Salla connector maps it). */
export function isHandledSallaEvent(name: unknown): name is SallaHandledWebhookEvent {
  return typeof name === 'string' && HANDLED.has(name);
}
