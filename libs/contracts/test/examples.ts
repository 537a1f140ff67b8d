import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';

import { EncryptedValue, PayloadOf, Topic } from '../src';

/** Seals `plaintext` exactly as the crypto lib is meant to: AES-256-GCM, 12-byte nonce, 16-byte tag. */
export function seal(plaintext: string, keyId = 'k-2026-01'): EncryptedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    v: 1,
    alg: 'AES-256-GCM',
    keyId,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ct: ct.toString('base64'),
  };
}

export const STORE_ID = '1305146709';

/** A message value as a producer would publish it. */
export function envelope(type: string, payload: unknown, overrides: Record<string, unknown> = {}): unknown {
  return {
    id: randomUUID(),
    type,
    storeId: STORE_ID,
    occurredAt: '2026-01-15T09:30:00.000Z',
    schemaVersion: 1,
    payload,
    ...overrides,
  };
}

const AT = '2026-01-15T09:30:00.000Z';

/** One valid payload per topic; the mapped type makes a topic without an example a compile error. */
export const VALID_EXAMPLES: { [T in Topic]: PayloadOf<T> } = {
  [Topic.SallaWebhookReceived]: {
    event: 'order.created',
    merchant: STORE_ID,
    createdAt: 'Sun Jun 26 2022 12:21:48 GMT+0300',
    createdAtUtc: '2022-06-26T09:21:48.000Z',
    bodySha256: 'a'.repeat(64),
    receivedAt: AT,
    data: seal(JSON.stringify({ id: 2116149737 })),
  },

  [Topic.StoreInstalled]: {
    appId: '6789012345',
    scopes: ['products.read_write', 'orders.read_write', 'offline_access'],
    installedAt: AT,
    storeType: 'development',
  },
  [Topic.StoreProfileUpdated]: {
    name: 'متجر تجريبي',
    domain: 'https://salla.sa/dev-store',
    plan: 'plus',
    currency: 'SAR',
    storeType: 'development',
    readAt: AT,
  },
  [Topic.StoreSyncReady]: { odooVersion: '17.0', connectedAt: AT },
  [Topic.BackfillRequested]: {
    runId: 'run-1',
    resources: ['products', 'orders'],
    ordersSince: '2025-10-01T00:00:00.000Z',
    requestedBy: 'ops:alice',
  },
  [Topic.OpsOdooConnectionCheckRequested]: {
    requestId: randomUUID(),
    requestedBy: 'support:alice',
    requestedAt: AT,
  },
  [Topic.OpsStoreKeyRotationRequested]: {
    requestId: randomUUID(),
    requestedBy: 'admin:bob',
    reason: 'routine rotation',
    requestedAt: AT,
  },
  [Topic.OpsStoreKeyRotated]: {
    requestId: randomUUID(),
    requestedBy: 'admin:bob',
    activeKeyId: 'k2QpZ3x-abc_12',
    retiredKeyIds: ['k-2026-01'],
    rotatedAt: AT,
  },
  [Topic.OpsStoreKeyReencrypted]: {
    requestId: randomUUID(),
    service: 'odoo-connector',
    outcome: 'reencrypted',
    reencryptedCount: 1,
    activeKeyId: 'k2QpZ3x-abc_12',
    details: 'odoo connection API key',
    completedAt: AT,
  },
  [Topic.OpsBackfillProgress]: {
    runId: 'run-1',
    resource: 'products',
    state: 'running',
    done: 120,
    total: 10000,
    updatedAt: AT,
  },
  [Topic.StoreAuthorized]: {
    accessToken: seal('access'),
    refreshToken: seal('refresh'),
    expiresAt: '2026-01-29T09:30:00.000Z',
    scopes: ['settings.read', 'offline_access'],
    tokenType: 'bearer',
  },
  [Topic.StoreSettingsUpdated]: {
    odoo: {
      url: 'https://erp.example.sa',
      database: 'prod',
      login: 'sync@example.sa',
      apiKey: seal('odoo-key'),
      stockLocationId: '8',
    },
    syncEnabled: true,
  },
  [Topic.StoreUninstalled]: { uninstalledAt: AT, refunded: false },

  [Topic.CatalogProductUpserted]: {
    source: 'salla',
    productId: '1025569331',
    name: 'T-shirt',
    kind: 'physical',
    sourceType: 'product',
    tracksInventory: true,
    isActive: true,
    currency: 'SAR',
    price: '99.00',
    salePrice: '79.5',
    categoryIds: ['1429120554'],
    options: [{ id: '1', name: 'Size', values: [{ id: '11', name: 'M' }, { name: 'L' }] }],
    variants: [
      {
        variantId: '555',
        sku: 'TS-M',
        barcode: '6281000000001',
        price: '99.00',
        quantity: 4,
        options: [{ option: 'Size', value: 'M' }],
      },
    ],
    sourceUpdatedAt: AT,
  },
  [Topic.CatalogProductDeleted]: { source: 'salla', productId: '1025569331', sku: 'TS' },
  [Topic.CatalogCategoryUpserted]: {
    source: 'salla',
    categoryId: '1429120554',
    name: 'Shirts',
    parentId: '99911771',
  },
  [Topic.CatalogCategoryDeleted]: { source: 'odoo', categoryId: '12' },

  [Topic.InventoryLevelChanged]: {
    source: 'odoo',
    sku: 'TS-M',
    variantId: '41',
    quantity: 3,
    onHand: 5,
    reserved: 2,
  },
  [Topic.InventoryLevelSet]: { identifierType: 'sku', identifier: 'TS-M', quantity: 3, mode: 'overwrite' },

  [Topic.SalesOrderUpserted]: {
    source: 'salla',
    orderId: '2116149737',
    referenceId: '41027662',
    status: { slug: 'under_review', id: '566146469' },
    currency: 'SAR',
    placedAt: AT,
    customer: { customerId: '225167971', name: 'Mohammed Ali', phone: '+966501806978', countryCode: 'SA' },
    lines: [
      {
        lineId: '70815337',
        productId: '720881993',
        sku: '54534534',
        name: 'Pizza',
        quantity: 2,
        unitPrice: '93',
        discount: '5',
        tax: '0',
        total: '181',
        options: [{ name: 'SIZE', value: 'BIG' }],
      },
    ],
    shipping: {
      methodId: '1833934431',
      methodName: 'Saudi Post',
      address: { countryCode: 'SA', city: 'Jeddah' },
    },
    payment: { methodCode: 'cod', status: 'pending' },
    totals: { subtotal: '186', shipping: '15', cashOnDelivery: '0', discount: '5', tax: '0', total: '196' },
  },
  [Topic.SalesOrderCancelled]: { source: 'salla', orderId: '2116149737', cancelledAt: AT },
  [Topic.SalesOrderRefunded]: {
    source: 'salla',
    orderId: '2116149737',
    amount: '196.00',
    currency: 'SAR',
    isFullRefund: true,
    refundedAt: AT,
  },
  [Topic.SalesOrderStatusSet]: {
    orderId: '2116149737',
    slug: 'delivered',
    note: 'Delivered by Odoo WH/OUT/00042',
  },

  [Topic.CustomerUpserted]: {
    source: 'salla',
    customerId: '225167971',
    name: 'User Mohammed',
    email: 'test@gmail.com',
  },
  [Topic.ShippingMethodUpserted]: {
    source: 'salla',
    methodId: '488260393',
    name: 'Fast Co.',
    isActive: false,
  },
  [Topic.PaymentMethodUpserted]: {
    source: 'salla',
    methodId: 'cod',
    code: 'cod',
    name: 'Cash on delivery',
    isActive: true,
  },

  [Topic.OpsSyncResult]: {
    service: 'odoo-connector',
    direction: 'salla_to_odoo',
    entityType: 'order',
    entityId: '2116149737',
    outcome: 'failed',
    message: 'Odoo rejected the partner: country SA unknown',
    errorCode: 'odoo.validation',
    eventId: randomUUID(),
    attempt: 3,
    durationMs: 412,
  },

  [Topic.PrivacyErasureRequested]: {
    requestId: randomUUID(),
    scope: 'customer',
    subject: { customerId: '225167971', email: 'test@gmail.com' },
    requestedAt: AT,
    dueBy: '2026-02-14T09:30:00.000Z',
  },
  [Topic.PrivacyErasureCompleted]: {
    requestId: randomUUID(),
    scope: 'customer',
    receipt: {
      service: 'odoo-connector',
      outcome: 'erased',
      erasedCount: 2,
      details: 'res.partner',
      completedAt: AT,
    },
  },
  [Topic.PrivacyExportRequested]: { requestId: randomUUID(), scope: 'store', requestedAt: AT },
  [Topic.PrivacyExportCompleted]: {
    requestId: randomUUID(),
    scope: 'store',
    part: {
      service: 'salla-connector',
      outcome: 'exported',
      storageRef: 'gridfs://privacy-exports/65a4f0c2',
      sha256: 'b'.repeat(64),
      recordCount: 120,
      completedAt: AT,
    },
  },
  [Topic.PrivacyRetentionPolicyPublished]: {
    runId: randomUUID(),
    rules: [
      { dataClass: 'activity_logs', retentionDays: 30 },
      { dataClass: 'webhook_duplicate_claims', retentionDays: 7 },
    ],
    publishedAt: AT,
  },
  [Topic.PrivacyRetentionSweepCompleted]: {
    runId: randomUUID(),
    service: 'gateway',
    outcome: 'swept',
    counts: [{ dataClass: 'webhook_duplicate_claims', collection: 'webhook_delivery_claims', deleted: 12 }],
    completedAt: AT,
  },
  // The backfill topics carry the live topics' payloads.
  get [Topic.BackfillCategoryUpserted]() {
    return VALID_EXAMPLES[Topic.CatalogCategoryUpserted];
  },
  get [Topic.BackfillProductUpserted]() {
    return VALID_EXAMPLES[Topic.CatalogProductUpserted];
  },
  get [Topic.BackfillShippingMethodUpserted]() {
    return VALID_EXAMPLES[Topic.ShippingMethodUpserted];
  },
  get [Topic.BackfillPaymentMethodUpserted]() {
    return VALID_EXAMPLES[Topic.PaymentMethodUpserted];
  },
  get [Topic.BackfillOrderUpserted]() {
    return VALID_EXAMPLES[Topic.SalesOrderUpserted];
  },
};
