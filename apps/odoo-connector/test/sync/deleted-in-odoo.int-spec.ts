import { Topic } from '@app/contracts';
import { type FakeOdoo, startFakeOdoo } from '@app/fake-odoo';
import { waitFor } from '@app/testing';

import { paidOrder, plainProduct } from './paid-order.fixture';
import { OdooSyncHarness, uniqueStoreId } from './odoo-sync-harness';

jest.setTimeout(300_000);

/**
 * The merchant deletes in Odoo a record the app created (Odoo deletes its `ir.model.data` names with it); the
 * connector's local binding cache still maps the Salla record to the deleted id.
 */
describe('a record the merchant deleted in Odoo', () => {
  let harness: OdooSyncHarness;
  let fake: FakeOdoo;
  let storeId: string;

  const line = (entityType: string, entityId: string, n: number) =>
    waitFor(
      () =>
        harness.activity(storeId).filter((l) => l.entityType === entityType && l.entityId === entityId)[n],
      { timeoutMs: 150_000, description: `${entityType} ${entityId} line #${n + 1}` },
    );
  const templates = (sku: string) => fake.records('product.product').filter((v) => v.default_code === sku);

  /** Syncs the order's product, then deletes it in Odoo as the merchant would (variants with the template). */
  async function syncedThenDeleted(orderId: string): Promise<{ productId: string; sku: string }> {
    const product = plainProduct(`p${orderId}`, 'Oud oil', `SKU-${orderId}`);
    await harness.send(Topic.CatalogProductUpserted, storeId, {
      ...product,
      sourceUpdatedAt: '2026-11-01T00:00:00.000Z',
    });
    expect(await line('product', product.productId, 0)).toMatchObject({ outcome: 'ok' });
    const [variant] = templates(product.sku!);
    const db = fake.database();
    db.unlink('product.product', [variant.id]);
    db.unlink('product.template', [variant.product_tmpl_id as number]);
    expect(templates(product.sku!)).toEqual([]);
    return { productId: product.productId, sku: product.sku! };
  }

  beforeAll(async () => {
    ({ harness, fake, storeId } = await OdooSyncHarness.startConnected({ style: '19' }));
  });

  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  it("a product is created again by the product's next change in Salla", async () => {
    const { productId, sku } = await syncedThenDeleted('9100001');
    await harness.send(Topic.CatalogProductUpserted, storeId, {
      ...plainProduct(productId, 'Oud oil, 12 ml', sku),
      sourceUpdatedAt: '2026-11-02T00:00:00.000Z',
    });
    expect(await line('product', productId, 1)).toMatchObject({
      outcome: 'ok',
      message: 'Product "Oud oil, 12 ml" created in Odoo',
    });
    const variants = templates(sku);
    expect(variants).toHaveLength(1);
    const bound = fake.records('ir.model.data').filter((r) => r.name === `product_${storeId}_${productId}`);
    expect(bound.map((r) => r.res_id)).toEqual([variants[0].product_tmpl_id]);
  });

  it('a shipping method deleted in Odoo is created again by its next change in Salla', async () => {
    const methodId = '9100003';
    const carriers = () => fake.records('delivery.carrier').filter((c) => String(c.name).startsWith('SMSA'));
    await harness.send(Topic.ShippingMethodUpserted, storeId, {
      source: 'salla',
      methodId,
      name: 'SMSA',
      isActive: true,
    });
    expect(await line('shipping_method', methodId, 0)).toMatchObject({ outcome: 'ok' });
    fake.database().unlink('delivery.carrier', [carriers()[0].id]);

    await harness.send(Topic.ShippingMethodUpserted, storeId, {
      source: 'salla',
      methodId,
      name: 'SMSA Express',
      isActive: true,
    });
    expect(await line('shipping_method', methodId, 1)).toMatchObject({
      outcome: 'ok',
      message: 'Shipping method "SMSA Express" created in Odoo',
    });
    expect(carriers().map((c) => c.name)).toEqual(['SMSA Express']);
  });

  // 19 answers a call on a model it does not have with HTTP 404; 16–18 (JSON-RPC) with a UserError "Object … doesn't exist"
  // (in the Odoo user's language), which reads like any refused data.
  it.each(['19', '16'] as const)(
    'an Odoo %s without the Delivery app is still told apart: the shipping method is not synced, saying why',
    async (style) => {
      const bare = await startFakeOdoo({ style, deliveryApp: false });
      const bareStore = uniqueStoreId();
      try {
        await harness.connect(bareStore, bare.url, 'fake-odoo-admin-key');
        await harness.send(Topic.ShippingMethodUpserted, bareStore, {
          source: 'salla',
          methodId: '9100004',
          name: 'Aramex',
          isActive: true,
        });
        const [shipping] = await waitFor(() => {
          const lines = harness.activity(bareStore).filter((l) => l.entityType === 'shipping_method');
          return lines.length > 0 ? lines : null;
        });
        expect(shipping).toMatchObject({ outcome: 'failed', errorCode: 'odoo.delivery_missing' });
        expect(shipping.message).toContain('need the Delivery app');
      } finally {
        await bare.close();
      }
    },
  );

  it('an order for a deleted product still becomes a sale order, with the product created anew', async () => {
    const orderId = '9100002';
    const { sku } = await syncedThenDeleted(orderId);
    await harness.send(Topic.SalesOrderUpserted, storeId, paidOrder(orderId));
    expect(await line('order', orderId, 0)).toMatchObject({ outcome: 'ok' });
    const [order] = fake.records('sale.order').filter((o) => o.client_order_ref === `R${orderId}`);
    const variants = templates(sku);
    expect(variants).toHaveLength(1);
    const lines = fake.records('sale.order.line').filter((l) => l.order_id === order.id);
    expect(lines.map((l) => l.product_id)).toContain(variants[0].id);
  });
});
