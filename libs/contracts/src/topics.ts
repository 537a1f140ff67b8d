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

  OpsSyncResult = 'ops.sync.result.v1',

  PrivacyErasureRequested = 'privacy.erasure.requested.v1',
  PrivacyErasureCompleted = 'privacy.erasure.completed.v1',
  PrivacyExportRequested = 'privacy.export.requested.v1',
  PrivacyExportCompleted = 'privacy.export.completed.v1',
}

/** The dead-letter topic that parks messages a consumer of `topic` could not handle. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlt`;
}

export const ALL_TOPICS: readonly Topic[] = Object.values(Topic);
