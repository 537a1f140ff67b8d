import { isHandledSallaEvent, type SallaHandledWebhookEvent } from '@app/contracts';

import {
  appInstalled,
  appStoreAuthorize,
  appUninstalled,
  appUpdated,
  subscriptionChanged,
} from './translators/app-lifecycle.translators';
import { appSettingsUpdated } from './translators/app-settings.translator';
import { categoryDeleted, categoryUpserted } from './translators/category.translators';
import { customerUpserted } from './translators/customer.translators';
import {
  orderCancelled,
  orderDeleted,
  orderRefunded,
  orderStatusUpdated,
  orderUpserted,
  shipmentCancelled,
  shipmentChanged,
} from './translators/order.translators';
import { productDeleted, productQuantityLow, productUpserted } from './translators/product.translators';
import {
  shippingCompanyDeleted,
  shippingCompanyUpserted,
  shippingZoneChanged,
} from './translators/shipping.translators';
import {
  skipped,
  type Translation,
  type TranslationDeps,
  type TranslationInput,
  type Translator,
} from './translation.types';

/** One translator per handled event: a name added to SALLA_HANDLED_WEBHOOK_EVENTS without one does not compile. */
export type SallaEventTranslators = { readonly [E in SallaHandledWebhookEvent]: Translator };

const upsertOrder = orderUpserted();

/**
 * Salla webhook → canonical events and store effects. Events whose `data` carries only part of a resource
 * (marked "re-read") fetch the whole resource through `deps.reader` first: the canonical product, order and
 * shipping method are always complete.
 */
export const SALLA_EVENT_TRANSLATORS: SallaEventTranslators = {
  'app.installed': appInstalled,
  'app.store.authorize': appStoreAuthorize,
  'app.updated': appUpdated,
  'app.uninstalled': appUninstalled,
  'app.settings.updated': appSettingsUpdated,
  'app.trial.started': subscriptionChanged('trial.started'),
  'app.trial.expired': subscriptionChanged('trial.expired'),
  'app.trial.canceled': subscriptionChanged('trial.canceled'),
  'app.subscription.started': subscriptionChanged('subscription.started'),
  'app.subscription.expired': subscriptionChanged('subscription.expired'),
  'app.subscription.canceled': subscriptionChanged('subscription.canceled'),
  'app.subscription.renewed': subscriptionChanged('subscription.renewed'),

  // Orders: the webhook's order when it is whole, re-read when it lacks items/amounts.
  'order.created': upsertOrder,
  'order.updated': upsertOrder,
  'order.status.updated': orderStatusUpdated,
  'order.cancelled': orderCancelled,
  'order.refunded': orderRefunded,
  'order.deleted': orderDeleted,
  'order.payment.updated': upsertOrder,
  'order.products.updated': upsertOrder,
  'order.total.price.updated': upsertOrder,
  'order.shipping.address.updated': upsertOrder,
  'order.shipment.created': upsertOrder,
  'order.shipment.cancelled': upsertOrder,

  // Products: created/updated/available carry the product; the change events carry a fragment (re-read).
  'product.created': productUpserted('if-partial'),
  'product.updated': productUpserted('if-partial'),
  'product.available': productUpserted('if-partial'),
  'product.deleted': productDeleted,
  'product.quantity.low': productQuantityLow,
  'product.price.updated': productUpserted('always'),
  'product.status.updated': productUpserted('always'),
  'product.category.updated': productUpserted('always'),
  'product.brand.updated': productUpserted('always'),
  'product.tags.updated': productUpserted('always'),

  'customer.created': customerUpserted,
  'customer.updated': customerUpserted,

  'category.created': categoryUpserted,
  'category.updated': categoryUpserted,
  'category.deleted': categoryDeleted,

  'shipping.company.created': shippingCompanyUpserted,
  'shipping.company.updated': shippingCompanyUpserted,
  'shipping.company.deleted': shippingCompanyDeleted,
  'shipping.zone.created': shippingZoneChanged, // re-read the zone's company
  'shipping.zone.updated': shippingZoneChanged,

  // Shipments: re-read the order they belong to.
  'shipment.created': shipmentChanged,
  'shipment.updated': shipmentChanged,
  'shipment.cancelled': shipmentCancelled,
};

/**
 * Translates one opened webhook. An event that is not handled (the gateway forwards only handled ones, so this
 * means a list/version mismatch) is skipped, not failed. A malformed resource throws a permanent error naming
 * the field (`MalformedSallaResourceError`); reader failures propagate as the reader classified them.
 */
export async function translate(input: TranslationInput, deps: TranslationDeps): Promise<Translation> {
  if (!isHandledSallaEvent(input.event)) return skipped('not handled');
  return SALLA_EVENT_TRANSLATORS[input.event](input, deps);
}
