import { Topic } from '@app/contracts';
import { type FakeOdoo } from '@app/fake-odoo';

import { plainProduct } from './paid-order.fixture';
import { OdooSyncHarness } from './odoo-sync-harness';

jest.setTimeout(300_000);

const KEY = 'fake-odoo-admin-key';

/**
 * A merchant who tried the app on a test database and then points it at the real one: the connector's local
 * binding cache holds the ids of the first database, which mean other records (or nothing) in the second.
 */
describe('a store that moves to another Odoo database', () => {
  let harness: OdooSyncHarness;
  let fake: FakeOdoo;
  let storeId: string;

  const productLine = (name: string) =>
    harness.waitActivity(
      storeId,
      (l) => l.entityType === 'product' && String(l.message).includes(`"${name}"`),
      `activity for ${name}`,
    );

  beforeAll(async () => {
    ({ harness, fake, storeId } = await OdooSyncHarness.startConnected(
      { style: '19', databases: ['staging', 'production'] },
      'staging',
    ));
  });

  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  it("syncs into the new database as into a fresh one, never onto the merchant's records there", async () => {
    const product = plainProduct(`p${storeId}`, 'Phone (staging)', `SW-${storeId}`);
    await harness.send(Topic.CatalogProductUpserted, storeId, {
      ...product,
      sourceUpdatedAt: '2026-11-01T00:00:00.000Z',
    });
    await productLine('Phone (staging)');
    const staged = fake.records('product.template', 'staging').find((t) => t.name === 'Phone (staging)')!;

    // The production database has the merchant's own catalogue: one of its products has our staging id.
    const production = fake.database('production');
    for (let n = 1; !production.get('product.template', staged.id); n++)
      production.create('product.template', [{ name: `Merchant product ${n}` }]);
    const theirs = production.get('product.template', staged.id)!.name;

    await harness.connect(storeId, fake.url, KEY, 'production');
    await harness.send(Topic.CatalogProductUpserted, storeId, {
      ...product,
      name: 'Phone',
      sourceUpdatedAt: '2026-11-02T00:00:00.000Z',
    });
    const line = await productLine('Phone');

    expect(production.get('product.template', staged.id)!.name).toBe(theirs);
    const ours = fake.records('product.template', 'production').filter((t) => t.name === 'Phone');
    expect(ours).toHaveLength(1);
    expect(line.message).toBe('Product "Phone" created in Odoo');
    const binding = fake
      .records('ir.model.data', 'production')
      .filter((r) => r.name === `product_${storeId}_${product.productId}`);
    expect(binding.map((r) => r.res_id)).toEqual([ours[0].id]);
    // The staging database keeps what it had.
    expect(fake.records('product.template', 'staging').find((t) => t.id === staged.id)!.name).toBe(
      'Phone (staging)',
    );
  });
});
