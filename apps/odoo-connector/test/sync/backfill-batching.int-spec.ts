import { type CategoryUpserted, type ProductUpserted, Topic } from '@app/contracts';
import { type FakeOdoo } from '@app/fake-odoo';
import { waitFor } from '@app/testing';

import { CatalogBatch } from '../../src/sync/catalog-batch';
import { Products } from '../../src/sync/products';
import { raceBatchAgainstRival, storeOdoo } from './held-race';
import { OdooSyncHarness } from './odoo-sync-harness';

jest.setTimeout(300_000);

const CATEGORIES = 60;
const PRODUCTS = 540;

function category(i: number): CategoryUpserted {
  return {
    source: 'salla',
    categoryId: `cat${i}`,
    name: `Category ${i}`,
    // A two-level tree: the first ten are roots, the others hang under them.
    ...(i >= 10 ? { parentId: `cat${i % 10}` } : {}),
  };
}

function product(i: number): ProductUpserted {
  return {
    source: 'salla',
    productId: `prod${i}`,
    name: `Product ${i}`,
    sku: `BF-SKU-${i}`,
    kind: 'physical',
    tracksInventory: true,
    isActive: true,
    currency: 'SAR',
    price: String(10 + i),
    categoryIds: [`cat${i % CATEGORIES}`],
    options: [],
    variants: [],
    sourceUpdatedAt: '2026-11-01T00:00:00.000Z',
  } as unknown as ProductUpserted;
}

/** create/write calls that change data (reads excluded), per model. */
function writes(fake: FakeOdoo): Record<string, number> {
  return Object.fromEntries(Object.entries(fake.counters()).filter(([k]) => /\.(create|write)$/.test(k)));
}

describe.each(['16', '19'] as const)('backfill batching against a %s-style Odoo', (style) => {
  let harness: OdooSyncHarness;
  let fake: FakeOdoo;
  let storeId: string;

  beforeAll(async () => {
    ({ harness, fake, storeId } = await OdooSyncHarness.startConnected({ style }));
  });

  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  const lines = (entityType: string) => harness.activity(storeId).filter((l) => l.entityType === entityType);

  it(`${CATEGORIES} categories and ${PRODUCTS} products: each created once, ≤ 1 create/write call per 100 records`, async () => {
    fake.resetRecording();
    await harness.sendMany(
      Topic.BackfillCategoryUpserted,
      storeId,
      Array.from({ length: CATEGORIES }, (_, i) => category(i)),
    );
    await waitFor(() => lines('category').length >= CATEGORIES || null, {
      timeoutMs: 150_000,
      description: 'categories',
    });
    await harness.sendMany(
      Topic.BackfillProductUpserted,
      storeId,
      Array.from({ length: PRODUCTS }, (_, i) => product(i)),
    );
    await waitFor(() => lines('product').length >= PRODUCTS || null, {
      timeoutMs: 150_000,
      description: 'products',
    });

    expect([...lines('category'), ...lines('product')].filter((l) => l.outcome !== 'ok')).toEqual([]);
    // default_code lives on the single variant (product.product), as in Odoo.
    const variants = fake
      .records('product.product')
      .filter((v) => (typeof v.default_code === 'string' ? v.default_code : '').startsWith('BF-SKU-'));
    expect(variants).toHaveLength(PRODUCTS);
    expect(new Set(variants.map((v) => v.default_code)).size).toBe(PRODUCTS);
    expect(new Set(variants.map((v) => v.product_tmpl_id)).size).toBe(PRODUCTS);
    const cats = fake.records('product.category').filter((c) => String(c.name).startsWith('Category '));
    expect(cats).toHaveLength(CATEGORIES);
    const child = cats.find((c) => c.name === 'Category 23')!;
    expect(cats.find((c) => c.id === child.parent_id)?.name).toBe('Category 3');
    const variant7 = variants.find((v) => v.default_code === 'BF-SKU-7')!;
    const product7 = fake.records('product.template').find((t) => t.id === variant7.product_tmpl_id)!;
    expect(cats.find((c) => c.id === product7.categ_id)?.name).toBe('Category 7');

    const counted = writes(fake);
    const total = Object.values(counted).reduce((a, b) => a + b, 0);
    const records = CATEGORIES + PRODUCTS;
    // Reported for the task: measured create/write calls per record.
    console.log(
      `[${style}] create/write calls for ${records} records: ${JSON.stringify(counted)} = ${(total / records).toFixed(4)} per record`,
    );
    // Products: one create per ≥ 100 records and no writes. (Categories do not reach that yet: a small
    // category backfill is split by partition and tree level — see the report.)
    expect(counted['product.template.create']).toBeLessThanOrEqual(Math.ceil(PRODUCTS / 100));
    expect(counted['product.template.write']).toBeUndefined();
  });

  /** Sends the whole product backfill again; resolves with the templates created and the writing calls. */
  async function redeliverProducts(description: string) {
    const before = fake.records('product.template').length;
    fake.resetRecording();
    const seen = lines('product').length;
    await harness.sendMany(
      Topic.BackfillProductUpserted,
      storeId,
      Array.from({ length: PRODUCTS }, (_, i) => product(i)),
    );
    await waitFor(() => lines('product').length >= seen + PRODUCTS || null, {
      timeoutMs: 150_000,
      description,
    });
    return { templatesCreated: fake.records('product.template').length - before, writes: writes(fake) };
  }

  it('re-delivering the same backfill creates and writes nothing', async () => {
    expect(await redeliverProducts('again')).toEqual({ templatesCreated: 0, writes: {} });
  });

  it('a backfill whose bindings the local cache lost is bound again from Odoo: nothing created, cache refilled', async () => {
    const cache = harness.bindingCache();
    await cache.deleteAllForStore(storeId);

    expect(await redeliverProducts('after the cache was lost')).toEqual({ templatesCreated: 0, writes: {} });
    expect(await cache.count(storeId, { kind: 'product' })).toBe(PRODUCTS);
  });

  /*
   * An order for a product the backfill has not reached yet creates that product from its line, under the SKU's
   * lock, while a backfill batch may be creating the same SKU (the install backfill's orders and products are
   * applied at the same time). Called in-process: which Kafka fetch carries which message would decide the
   * interleaving otherwise.
   */
  it('a backfill batch and an order line racing for a new SKU → one Odoo product, bound to both', async () => {
    const sku = `RACE-${style}-${Date.now() % 1_000_000}`;
    const racing = { ...product(0), productId: `race${style}${Date.now() % 1_000_000}`, sku, name: 'Racing' };
    const filler = { ...racing, productId: `${racing.productId}f`, sku: `${sku}-F`, name: 'Filler' };
    const odoo = await storeOdoo(harness, storeId);
    const line = { productId: racing.productId, sku, name: 'Racing', unitPrice: '10' };
    const products = harness.svc.app.get(Products);

    const raced = await raceBatchAgainstRival(
      fake,
      'product.template',
      () => harness.svc.app.get(CatalogBatch).applyProducts(odoo, [racing, filler]),
      () => products.variantForLine(odoo, line),
    );
    expect(raced.batch.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    // A line refused while the batch held the lock is retried by the consumer; here, by hand.
    const variantId = 'value' in raced.rival ? raced.rival.value : await products.variantForLine(odoo, line);

    const variants = fake.records('product.product').filter((v) => v.default_code === sku);
    expect(variants.map((v) => v.id)).toEqual([variantId]);
    const template = variants[0].product_tmpl_id;
    const names = [`product_${storeId}_${racing.productId}`, `sku_${storeId}_${sku.replace(/-/g, '_')}`];
    const bindings = fake.records('ir.model.data').filter((r) => names.includes(String(r.name)));
    expect(bindings.map((r) => [r.name, r.res_id]).sort()).toEqual(names.map((n) => [n, template]).sort());
  });

  /** Two products with new SKUs (`<prefix>-…-0`, `-1`), and their SKU lock rows in Odoo as they are now. */
  function twoNewProducts(prefix: string) {
    const sku = `${prefix}-${style}-${Date.now() % 1_000_000}`;
    const batch = [0, 1].map((k) => ({
      ...product(0),
      productId: `${prefix.toLowerCase()}${style}${Date.now() % 1_000_000}${k}`,
      sku: `${sku}-${k}`,
    }));
    const locks = batch.map((p) => `sku_${storeId}_${p.sku.replace(/-/g, '_')}`);
    const lockRows = () => fake.records('ir.model.data').filter((r) => locks.includes(String(r.name)));
    return { sku, batch, lockRows };
  }

  it('a batch whose create Odoo refuses frees its SKU locks at once: the retry creates the products', async () => {
    const { batch, lockRows } = twoNewProducts('FREED');
    const odoo = await storeOdoo(harness, storeId);

    fake.validationErrorOn('product.template', 'create', 'The product type is not allowed', 1);
    await expect(harness.svc.app.get(CatalogBatch).applyProducts(odoo, batch)).rejects.toThrow(
      'The product type is not allowed',
    );
    expect(lockRows()).toEqual([]);

    const results = await harness.svc.app.get(CatalogBatch).applyProducts(odoo, batch);
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(
      lockRows()
        .map((r) => r.res_id)
        .every((id) => typeof id === 'number' && id > 0),
    ).toBe(true);
    expect(lockRows()).toHaveLength(2);
  });

  it('a batch whose SKU search fails (a proxy 504, nothing created yet) frees its SKU locks too', async () => {
    const { sku, batch, lockRows } = twoNewProducts('SEARCH');
    const odoo = await storeOdoo(harness, storeId);

    // Enough 504s to outlast the client's own retries of a read.
    fake.failOn('product.product', 'search_read', 504, 20);
    try {
      await expect(harness.svc.app.get(CatalogBatch).applyProducts(odoo, batch)).rejects.toThrow();
    } finally {
      fake.clearFaults();
    }
    expect(lockRows()).toEqual([]);
    expect(fake.records('product.product').filter((v) => String(v.default_code).startsWith(sku))).toEqual([]);
  });

  it('a live category upsert that claims between the batch swapping its claims for the real rows → one category', async () => {
    const tag = `${style}${Date.now() % 1_000_000}`;
    const cat: CategoryUpserted = { source: 'salla', categoryId: `gap${tag}`, name: `Gap ${tag}` };
    const odoo = await storeOdoo(harness, storeId);
    const bindingName = `category_${storeId}_${cat.categoryId}`;
    let waited = '';
    try {
      // The batch has created its category and removed its claim; its real binding row is not written yet.
      const unlink = fake.holdNext('ir.model.data', 'unlink');
      const batchDone = harness.svc.app.get(CatalogBatch).applyCategories(odoo, [cat]);
      await unlink.reached;
      const bind = fake.holdNext('ir.model.data', 'create');
      unlink.release();
      await bind.reached;
      // The live upsert claims the free name and (a category has no natural key) creates its own category.
      const rivalCreate = fake.holdNext('product.category', 'create');
      const rivalDone = harness.svc.app.get(Products).applyCategory(odoo, cat);
      await rivalCreate.reached;
      // The batch's binding row is refused (the rival's claim holds the name): it reads the binding again...
      const firstRead = fake.holdNext('ir.model.data', 'search_read');
      bind.release();
      await firstRead.reached;
      const secondRead = fake.holdNext('ir.model.data', 'search_read');
      firstRead.release();
      // ...and waits for the rival rather than writing its own category into the rival's claim.
      waited = await Promise.race([
        secondRead.reached.then(() => 'waited'),
        batchDone.then(() => 'bound into the claim'),
      ]);
      rivalCreate.release();
      await expect(rivalDone).resolves.toMatchObject({ outcome: 'ok' });
      secondRead.release();
      await expect(batchDone).resolves.toEqual([expect.objectContaining({ outcome: 'ok' })]);
    } finally {
      fake.clearFaults();
    }
    const categories = fake.records('product.category').filter((r) => r.name === cat.name);
    expect(categories).toHaveLength(1);
    const binding = fake.records('ir.model.data').filter((r) => r.name === bindingName);
    expect(binding.map((r) => r.res_id)).toEqual([categories[0].id]);
    expect(waited).toBe('waited');
  });

  it('a batch that crashed after creating its categories: once its claims are stale, the retry adopts them', async () => {
    const tag = `${style}${Date.now() % 1_000_000}`;
    const categories: CategoryUpserted[] = [0, 1].map((k) => ({
      source: 'salla',
      categoryId: `crash${tag}${k}`,
      name: `Crashed ${tag} ${k}`,
    }));
    const odoo = await storeOdoo(harness, storeId);
    const names = categories.map((c) => `category_${storeId}_${c.categoryId}`);
    const bindingRows = () => fake.records('ir.model.data').filter((r) => names.includes(String(r.name)));

    fake.crashAfter('product.category', 'create'); // created in Odoo, the answer lost
    await expect(harness.svc.app.get(CatalogBatch).applyCategories(odoo, categories)).rejects.toThrow();
    // The create may have been applied, so its claims stay (a category has no natural key to adopt it by).
    expect(bindingRows().map((r) => r.res_id)).toEqual([0, 0]);
    // Time passes: the claims go stale (ODOO_CLAIM_STALE_MS).
    for (const row of bindingRows())
      fake.database().get('ir.model.data', row.id)!.write_date = '2020-01-01 00:00:00';

    const results = await harness.svc.app.get(CatalogBatch).applyCategories(odoo, categories);
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const created = categories.map((c) => fake.records('product.category').filter((r) => r.name === c.name));
    expect(created.map((rows) => rows.length)).toEqual([1, 1]);
    expect(
      bindingRows()
        .map((r) => [r.name, r.res_id])
        .sort(),
    ).toEqual(names.map((n, k) => [n, created[k][0].id]).sort());
  });
});
