/**
 * Every Kafka topic the system uses, shaped `<domain>.<entity>.<event>.v<N>`.
 * An incompatible payload change means a new topic version, never an edit of an existing one.
 */
export enum Topic {
  // Raw intake: the gateway writes accepted Salla webhooks here, untouched, for the Salla connector.
  SallaWebhookReceived = 'salla.webhook.received.v1',

  StoreInstalled = 'store.lifecycle.installed.v1',
  StoreAuthorized = 'store.lifecycle.authorized.v1',
  StoreSettingsUpdated = 'store.lifecycle.settings-updated.v1',
  StoreUninstalled = 'store.lifecycle.uninstalled.v1',
  StoreProfileUpdated = 'store.lifecycle.profile-updated.v1',
  StoreSyncReady = 'store.lifecycle.sync-ready.v1',

  CatalogProductUpserted = 'catalog.product.upserted.v1',
  CatalogProductDeleted = 'catalog.product.deleted.v1',
  CatalogCategoryUpserted = 'catalog.category.upserted.v1',
  CatalogCategoryDeleted = 'catalog.category.deleted.v1',

  InventoryLevelChanged = 'inventory.level.changed.v1',
  InventoryLevelSet = 'inventory.level.set.v1',

  SalesOrderUpserted = 'sales.order.upserted.v1',
  SalesOrderCancelled = 'sales.order.cancelled.v1',
  SalesOrderRefunded = 'sales.order.refunded.v1',
  SalesOrderStatusSet = 'sales.order.status-set.v1',

  CustomerUpserted = 'customer.customer.upserted.v1',
  ShippingMethodUpserted = 'shipping.method.upserted.v1',
  PaymentMethodUpserted = 'payment.method.upserted.v1',

  // Backfill: the same payloads as the live topics, on topics of their own with their own consumers, so a
  // store's 10,000-product first sync never queues in front of its next live order.
  BackfillRequested = 'sync.backfill.requested.v1',
  BackfillCategoryUpserted = 'backfill.category.upserted.v1',
  BackfillProductUpserted = 'backfill.product.upserted.v1',
  BackfillShippingMethodUpserted = 'backfill.shipping-method.upserted.v1',
  BackfillPaymentMethodUpserted = 'backfill.payment-method.upserted.v1',
  BackfillOrderUpserted = 'backfill.order.upserted.v1',

  OpsSyncResult = 'ops.sync.result.v1',
  OpsBackfillProgress = 'ops.backfill.progress.v1',
  // Admin commands (issue 7): sent by the gateway's admin API.
  OpsOdooConnectionCheckRequested = 'ops.odoo-connection.check-requested.v1',
  OpsStoreKeyRotationRequested = 'ops.store-key.rotation-requested.v1',
  // Key rotation (issue 7): the privacy service announces the new key version, each service re-encrypts.
  OpsStoreKeyRotated = 'ops.store-key.rotated.v1',
  OpsStoreKeyReencrypted = 'ops.store-key.reencrypted.v1',

  PrivacyErasureRequested = 'privacy.erasure.requested.v1',
  PrivacyErasureCompleted = 'privacy.erasure.completed.v1',
  PrivacyExportRequested = 'privacy.export.requested.v1',
  PrivacyExportCompleted = 'privacy.export.completed.v1',
  PrivacyRetentionPolicyPublished = 'privacy.retention.policy-published.v1',
  PrivacyRetentionSweepCompleted = 'privacy.retention.sweep-completed.v1',
}

/** The dead-letter topic that parks messages a consumer of `topic` could not handle. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlt`;
}

export const ALL_TOPICS: readonly Topic[] = Object.values(Topic);

/**
 * The backfill twin of each live topic that a backfill feeds: same payload, own topic, own consumers. A
 * producer reading from the Salla API (not reacting to a webhook) publishes to the twin.
 */
export const BACKFILL_TWIN_OF = {
  [Topic.CatalogCategoryUpserted]: Topic.BackfillCategoryUpserted,
  [Topic.CatalogProductUpserted]: Topic.BackfillProductUpserted,
  [Topic.ShippingMethodUpserted]: Topic.BackfillShippingMethodUpserted,
  [Topic.PaymentMethodUpserted]: Topic.BackfillPaymentMethodUpserted,
  [Topic.SalesOrderUpserted]: Topic.BackfillOrderUpserted,
} as const;
