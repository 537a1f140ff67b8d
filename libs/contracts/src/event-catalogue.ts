import { keyFor } from './envelope';
import {
  BackfillProgress,
  BackfillRequested,
  CategoryDeleted,
  CategoryUpserted,
  CustomerUpserted,
  InventoryLevelChanged,
  InventoryLevelSet,
  OdooConnectionCheckRequested,
  OpsSyncResult,
  PaymentMethodUpserted,
  PrivacyErasureCompleted,
  PrivacyErasureRequested,
  PrivacyExportCompleted,
  PrivacyExportRequested,
  PrivacyRetentionPolicyPublished,
  PrivacyRetentionSweepCompleted,
  ProductDeleted,
  ProductUpserted,
  SallaWebhookReceived,
  SalesOrderCancelled,
  SalesOrderRefunded,
  SalesOrderStatusSet,
  SalesOrderUpserted,
  ShippingMethodUpserted,
  StoreAuthorized,
  StoreInstalled,
  StoreKeyReencrypted,
  StoreKeyRotated,
  StoreKeyRotationRequested,
  StoreProfileUpdated,
  StoreSettingsUpdated,
  StoreSyncReady,
  StoreUninstalled,
} from './events';
import { Topic } from './topics';

/**
 * What a topic carries and how its messages are keyed.
 * - `store`: key = storeId; everything of the store is ordered (lifecycle, activity log, privacy, raw intake).
 * - `entity`: key = `storeId:<entityId>`; only one record's changes are ordered, so stores scale across partitions.
 */
export interface EventCatalogueEntry<P extends object = object> {
  payload: new () => P;
  key: 'store' | 'entity';
  description: string;
  /** For `entity` topics: the id that orders the messages (method syntax keeps entries assignable to `object`). */
  entityId?(payload: P): string;
}

function storeKeyed<P extends object>(payload: new () => P, description: string): EventCatalogueEntry<P> {
  return { payload, key: 'store', description };
}

function entityKeyed<P extends object>(
  payload: new () => P,
  description: string,
  entityId: (payload: P) => string,
): EventCatalogueEntry<P> {
  return { payload, key: 'entity', description, entityId };
}

/**
 * The event catalogue: exactly one entry per `Topic` (the mapped type makes a missing or unknown topic a compile
 * error). Producers and consumers look the payload class up here instead of hard-coding it.
 */
export const EVENT_CATALOGUE = {
  [Topic.SallaWebhookReceived]: storeKeyed(
    SallaWebhookReceived,
    'A verified Salla webhook, as sent (data sealed), for the Salla connector to map.',
  ),

  [Topic.StoreInstalled]: storeKeyed(StoreInstalled, 'A merchant installed the app.'),
  [Topic.StoreAuthorized]: storeKeyed(StoreAuthorized, "Salla issued the store's tokens (sealed)."),
  [Topic.StoreSettingsUpdated]: storeKeyed(
    StoreSettingsUpdated,
    'The merchant saved the app settings: Odoo connection (API key sealed) and sync switch.',
  ),
  [Topic.StoreUninstalled]: storeKeyed(
    StoreUninstalled,
    'The app was removed; stop calling Salla for the store.',
  ),
  [Topic.StoreProfileUpdated]: storeKeyed(
    StoreProfileUpdated,
    "The store's name, domain, plan and currency as read from Salla.",
  ),
  [Topic.StoreSyncReady]: storeKeyed(
    StoreSyncReady,
    "The store's Odoo connection was verified: sync (and the first backfill) may start.",
  ),

  [Topic.CatalogProductUpserted]: entityKeyed(
    ProductUpserted,
    'A product with its options and variants was created or changed.',
    (p) => p.productId,
  ),
  [Topic.CatalogProductDeleted]: entityKeyed(
    ProductDeleted,
    'A product was deleted at the source.',
    (p) => p.productId,
  ),
  [Topic.CatalogCategoryUpserted]: entityKeyed(
    CategoryUpserted,
    'A category was created or changed (name, parent, visibility).',
    (p) => p.categoryId,
  ),
  [Topic.CatalogCategoryDeleted]: entityKeyed(
    CategoryDeleted,
    'A category was deleted at the source.',
    (p) => p.categoryId,
  ),

  [Topic.InventoryLevelChanged]: entityKeyed(
    InventoryLevelChanged,
    'The sellable quantity of one stock item changed in Salla or Odoo.',
    (p) => p.variantId ?? p.productId ?? p.sku ?? '',
  ),
  [Topic.InventoryLevelSet]: entityKeyed(
    InventoryLevelSet,
    "Command: set one item's quantity in Salla.",
    (p) => `${p.identifierType}:${p.identifier}`,
  ),

  [Topic.SalesOrderUpserted]: entityKeyed(
    SalesOrderUpserted,
    'An order was created or changed: lines, customer, shipping, payment, totals, status.',
    (p) => p.orderId,
  ),
  [Topic.SalesOrderCancelled]: entityKeyed(SalesOrderCancelled, 'An order was cancelled.', (p) => p.orderId),
  [Topic.SalesOrderRefunded]: entityKeyed(
    SalesOrderRefunded,
    'Money was refunded on an order (full or partial).',
    (p) => p.orderId,
  ),
  [Topic.SalesOrderStatusSet]: entityKeyed(
    SalesOrderStatusSet,
    'Command: move a Salla order to a status, with an optional note.',
    (p) => p.orderId,
  ),

  [Topic.CustomerUpserted]: entityKeyed(
    CustomerUpserted,
    'A customer was created or changed.',
    (p) => p.customerId,
  ),
  [Topic.ShippingMethodUpserted]: entityKeyed(
    ShippingMethodUpserted,
    'A shipping method/company was created, changed or deactivated.',
    (p) => p.methodId,
  ),
  [Topic.PaymentMethodUpserted]: entityKeyed(
    PaymentMethodUpserted,
    'A payment method was enabled, changed or disabled.',
    (p) => p.methodId,
  ),

  [Topic.BackfillRequested]: storeKeyed(
    BackfillRequested,
    "Command: read the store's data from Salla again and emit it on the backfill topics.",
  ),
  // Keyed by store, not category: a store's whole tree lands on one partition, in the order it was read
  // (parents before children), so the odoo-connector creates it in one call per tree level.
  [Topic.BackfillCategoryUpserted]: storeKeyed(
    CategoryUpserted,
    'A category read by a backfill (same payload as the live topic), keyed by store.',
  ),
  [Topic.BackfillProductUpserted]: entityKeyed(
    ProductUpserted,
    'A product read by a backfill (same payload as the live topic).',
    (p) => p.productId,
  ),
  [Topic.BackfillShippingMethodUpserted]: entityKeyed(
    ShippingMethodUpserted,
    'A shipping company read by a backfill (same payload as the live topic).',
    (p) => p.methodId,
  ),
  [Topic.BackfillPaymentMethodUpserted]: entityKeyed(
    PaymentMethodUpserted,
    'A payment method read by a backfill (same payload as the live topic).',
    (p) => p.methodId,
  ),
  [Topic.BackfillOrderUpserted]: entityKeyed(
    SalesOrderUpserted,
    'An order read by a backfill (same payload as the live topic).',
    (p) => p.orderId,
  ),

  [Topic.OpsSyncResult]: storeKeyed(OpsSyncResult, "One line of the store's sync activity log."),
  [Topic.OpsBackfillProgress]: storeKeyed(
    BackfillProgress,
    'Where a backfill run stands for one resource (done/total).',
  ),
  [Topic.OpsOdooConnectionCheckRequested]: storeKeyed(
    OdooConnectionCheckRequested,
    "Command: test the store's Odoo connection now (sent by the admin API).",
  ),
  [Topic.OpsStoreKeyRotationRequested]: storeKeyed(
    StoreKeyRotationRequested,
    "Command: rotate the store's data key and re-encrypt what the old key sealed (sent by the admin API).",
  ),
  [Topic.OpsStoreKeyRotated]: storeKeyed(
    StoreKeyRotated,
    "The store's data key has a new active version: every service re-encrypts its sealed values (privacy service).",
  ),
  [Topic.OpsStoreKeyReencrypted]: storeKeyed(
    StoreKeyReencrypted,
    "One service's report that it re-encrypted its sealed values of the store under the new key version.",
  ),

  [Topic.PrivacyErasureRequested]: storeKeyed(
    PrivacyErasureRequested,
    "Erase a customer's or the whole store's personal data.",
  ),
  [Topic.PrivacyErasureCompleted]: storeKeyed(
    PrivacyErasureCompleted,
    "One service's receipt for an erasure.",
  ),
  [Topic.PrivacyExportRequested]: storeKeyed(
    PrivacyExportRequested,
    "Export a customer's or the whole store's personal data.",
  ),
  [Topic.PrivacyExportCompleted]: storeKeyed(
    PrivacyExportCompleted,
    "One service's part of an export, stored outside Kafka.",
  ),
  [Topic.PrivacyRetentionPolicyPublished]: storeKeyed(
    PrivacyRetentionPolicyPublished,
    "The retention policy per data class: every service sweeps its own data under it (storeId '*').",
  ),
  [Topic.PrivacyRetentionSweepCompleted]: storeKeyed(
    PrivacyRetentionSweepCompleted,
    "One service's retention sweep report: documents deleted per data class and collection.",
  ),
} as const satisfies { readonly [T in Topic]: EventCatalogueEntry };

export type EventCatalogue = typeof EVENT_CATALOGUE;

/** The payload type of a topic: `PayloadOf<Topic.SalesOrderUpserted>` is `SalesOrderUpserted`. */
export type PayloadOf<T extends Topic> = InstanceType<EventCatalogue[T]['payload']>;

/**
 * The payload class to validate a topic's messages with: `validateEvent(raw, payloadClassOf(topic), topic)`.
 * Works for a topic known only at run time too (the result is then the union of the classes).
 */
export function payloadClassOf<T extends Topic>(topic: T): new () => PayloadOf<T> {
  return EVENT_CATALOGUE[topic].payload as new () => PayloadOf<T>;
}

/** The Kafka message key for an event of `topic`, following the topic's keying rule. */
export function messageKeyOf<T extends Topic>(topic: T, storeId: string, payload: PayloadOf<T>): string {
  const entry = EVENT_CATALOGUE[topic] as EventCatalogueEntry<PayloadOf<T>>;
  if (entry.key === 'store' || entry.entityId === undefined) return keyFor(storeId);
  const entityId = entry.entityId(payload);
  if (entityId === '') throw new Error(`${topic}: payload has no id to key the message by`);
  return keyFor(storeId, entityId);
}
