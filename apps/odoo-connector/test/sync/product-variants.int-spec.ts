import { type ProductUpserted, type ProductVariant, type SalesOrderUpserted, Topic } from '@app/contracts';
import { type FakeOdoo, type Rec } from '@app/fake-odoo';
import { waitFor } from '@app/testing';

import { OdooSyncHarness } from './odoo-sync-harness';

// The service starts from the earliest offset of shared topics: other suites' backlog can delay our events.
jest.setTimeout(300_000);

type Combo = Record<string, string>;

/** A Salla product with options; `variants` as [options, price] pairs; SKUs and barcodes from the id. */
function product(
  productId: string,
  options: Record<string, string[]>,
  variants: Array<[Combo, string]>,
  overrides: Partial<ProductUpserted> = {},
): ProductUpserted {
  return {
    source: 'salla',
    productId,
    name: `Tee ${productId}`,
    kind: 'physical',
    tracksInventory: true,
    isActive: true,
    currency: 'SAR',
    price: '50',
    categoryIds: [],
    options: Object.entries(options).map(([name, values]) => ({
      name,
      values: values.map((v) => ({ name: v })),
    })),
    variants: variants.map(([combo, price]) => variant(productId, combo, price)),
    ...overrides,
  };
}

function variant(productId: string, combo: Combo, price: string): ProductVariant {
  const tag = Object.values(combo).join('-');
  return {
    variantId: `${productId}v${tag}`,
    sku: `${productId}-${tag}`,
    barcode: `BC-${productId}-${tag}`,
    price,
    options: Object.entries(combo).map(([option, value]) => ({ option, value })),
  };
}

const grid = (sizes: string[], colours: string[]): Array<[Combo, string]> =>
  sizes.flatMap((Size) => colours.map((Colour): [Combo, string] => [{ Size, Colour }, '50']));

describe.each(['16', '19'] as const)('product variants against a %s-style Odoo', (style) => {
  let harness: OdooSyncHarness;
  let fake: FakeOdoo;
  let storeId: string;
  let n = 0;
  const nextId = () => `${style}${Date.now() % 1_000_000}${n++}`;

  const templatesNamed = (name: string) => fake.records('product.template').filter((t) => t.name === name);
  const variantsOf = (templateId: number) =>
    fake.records('product.product').filter((p) => p.product_tmpl_id === templateId && p.active !== false);
  const named = (model: string, name: string) => fake.records(model).filter((r) => r.name === name);
  const finalLines = (productId: string) => harness.activity(storeId).filter((l) => l.entityId === productId);
  /** Sends the product and waits for `count` activity lines about it (retries log nothing until the last). */
  const sync = async (p: ProductUpserted, copies = 1) => {
    const before = finalLines(p.productId).length;
    // Different keys spread the copies over partitions, so they really run concurrently.
    await Promise.all(
      Array.from({ length: copies }, (_, i) =>
        harness.send(Topic.CatalogProductUpserted, storeId, p, `${storeId}:${p.productId}:${i}`),
      ),
    );
    await waitFor(() => finalLines(p.productId).length >= before + copies || null, {
      timeoutMs: 150_000,
      description: `${copies} line(s) for ${p.productId}`,
    });
    return finalLines(p.productId).slice(before);
  };
  const bySku = (templateId: number) =>
    Object.fromEntries(variantsOf(templateId).map((v) => [String(v.default_code), v]));

  beforeAll(async () => {
    ({ harness, fake, storeId } = await OdooSyncHarness.startConnected({ style }));
  });

  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  let tee: ProductUpserted;
  let teeTemplate: Rec;

  it('2 options × 2 values sent 5× at once → one template, 2 attributes, 4 variants with their SKU and barcode', async () => {
    tee = product(nextId(), { Size: ['S', 'M'], Colour: ['Red', 'Blue'] }, grid(['S', 'M'], ['Red', 'Blue']));
    const lines = await sync(tee, 5);
    expect(lines.map((l) => l.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(templatesNamed(tee.name)).toHaveLength(1);
    [teeTemplate] = templatesNamed(tee.name);
    expect(named('product.attribute', 'Size')).toHaveLength(1);
    expect(named('product.attribute', 'Colour')).toHaveLength(1);
    expect(
      fake
        .records('product.attribute.value')
        .map((v) => v.name)
        .sort(),
    ).toEqual(['Blue', 'M', 'Red', 'S']);
    expect(
      fake.records('product.template.attribute.line').filter((l) => l.product_tmpl_id === teeTemplate.id),
    ).toHaveLength(2);
    const variants = bySku(teeTemplate.id);
    expect(Object.keys(variants).sort()).toEqual(tee.variants.map((v) => v.sku).sort());
    for (const v of tee.variants) expect(variants[v.sku!].barcode).toBe(v.barcode);
    expect(fake.records('product.product').filter((p) => p.product_tmpl_id === teeTemplate.id)).toHaveLength(
      4,
    );
  });

  it('an upsert adding size L → 6 variants, the first 4 kept, no attribute or value twice', async () => {
    const before = variantsOf(teeTemplate.id).map((v) => v.id);
    const grown = {
      ...tee,
      options: [{ name: 'Size', values: ['S', 'M', 'L'].map((name) => ({ name })) }, tee.options[1]],
    };
    grown.variants = grid(['S', 'M', 'L'], ['Red', 'Blue']).map(([combo, price]) =>
      variant(tee.productId, combo, price),
    );
    const [line] = await sync(grown);
    expect(line).toMatchObject({ outcome: 'ok' });
    expect(variantsOf(teeTemplate.id)).toHaveLength(6);
    expect(variantsOf(teeTemplate.id).map((v) => v.id)).toEqual(expect.arrayContaining(before));
    expect(Object.keys(bySku(teeTemplate.id)).sort()).toEqual(grown.variants.map((v) => v.sku).sort());
    expect(named('product.attribute', 'Size')).toHaveLength(1);
    expect(named('product.attribute.value', 'L')).toHaveLength(1);
    expect(
      fake.records('product.template.attribute.line').filter((l) => l.product_tmpl_id === teeTemplate.id),
    ).toHaveLength(2);
    expect(templatesNamed(tee.name)).toHaveLength(1);
  });

  it("one option whose sizes cost more than the base → each Odoo variant's price is Salla's", async () => {
    const id = nextId();
    const cap = product(
      id,
      { Size: ['S', 'M', 'L'] },
      [
        [{ Size: 'S' }, '40'],
        [{ Size: 'M' }, '45'],
        [{ Size: 'L' }, '52.5'],
      ],
      { price: '40', name: `Cap ${id}` },
    );
    const [line] = await sync(cap);
    expect(line).toMatchObject({ outcome: 'ok' });
    const [template] = templatesNamed(cap.name);
    const prices = Object.fromEntries(
      variantsOf(template.id).map((v) => [
        v.default_code,
        fake.database().value('product.product', v, 'lst_price'),
      ]),
    );
    expect(prices).toEqual({ [`${id}-S`]: 40, [`${id}-M`]: 45, [`${id}-L`]: 52.5 });
  });

  it('two options whose prices do not add up → the product price is kept and the activity line says why', async () => {
    const id = nextId();
    const prices = { 'S-Red': '50', 'M-Red': '60', 'S-Blue': '55', 'M-Blue': '70' };
    const odd = product(
      id,
      { Size: ['S', 'M'], Colour: ['Red', 'Blue'] },
      grid(['S', 'M'], ['Red', 'Blue']).map(([combo]) => [
        combo,
        prices[`${combo.Size}-${combo.Colour}` as keyof typeof prices],
      ]),
    );
    const [line] = await sync(odd);
    expect(line).toMatchObject({ outcome: 'ok' });
    expect(String(line.message)).toContain('keeps the product price 50');
    const [template] = templatesNamed(odd.name);
    const lst = variantsOf(template.id).map((v) => fake.database().value('product.product', v, 'lst_price'));
    expect(lst).toEqual([50, 50, 50, 50]);
  });

  it("an order line naming a variant → the sale order line's product is that variant", async () => {
    const orderId = nextId();
    const chosen = tee.variants.find((v) => v.sku === `${tee.productId}-M-Blue`)!;
    const sale: SalesOrderUpserted = {
      source: 'salla',
      orderId,
      referenceId: `R${orderId}`,
      status: { slug: 'in_progress' },
      currency: 'SAR',
      placedAt: '2026-11-29T07:00:00.000Z',
      customer: {
        customerId: `c${orderId}`,
        name: 'Sara Ali',
        email: `sara${orderId}@example.sa`,
        countryCode: 'SA',
      },
      lines: [
        {
          lineId: 'l1',
          productId: tee.productId,
          variantId: chosen.variantId,
          sku: chosen.sku,
          name: tee.name,
          quantity: 1,
          unitPrice: '50',
          discount: '0',
          tax: '7.5',
          total: '57.5',
          options: [],
        },
      ],
      payment: { methodCode: 'cod', status: 'pending' },
      totals: {
        subtotal: '50',
        shipping: '0',
        cashOnDelivery: '0',
        discount: '0',
        tax: '7.5',
        total: '57.5',
      },
    };
    await harness.send(Topic.SalesOrderUpserted, storeId, sale);
    await harness.waitActivity(storeId, (l) => l.entityId === orderId, 'order line');
    const [order] = fake.records('sale.order').filter((o) => o.client_order_ref === sale.referenceId);
    const lines = fake.records('sale.order.line').filter((l) => l.order_id === order.id && !l.display_type);
    const expected = bySku(teeTemplate.id)[chosen.sku!].id;
    expect(lines.map((l) => l.product_id)).toEqual([expected]);
    expect(variantsOf(teeTemplate.id)[0].id).not.toBe(expected); // not merely the template's first variant
  });

  it('a variant SKU another Odoo product holds → that variant keeps no SKU, the others get theirs, a clear error', async () => {
    const owner = nextId();
    const taken = `TAKEN-${owner}`;
    await sync({ ...product(owner, {}, []), name: `Owner ${owner}`, sku: taken });
    const id = nextId();
    const clash = product(id, { Size: ['S', 'M'] }, [
      [{ Size: 'S' }, '50'],
      [{ Size: 'M' }, '50'],
    ]);
    clash.variants[1].sku = taken;
    const [line] = await sync(clash);
    expect(line).toMatchObject({ outcome: 'failed', errorCode: 'binding.sku_conflict' });
    expect(String(line.message)).toContain(taken);
    expect(String(line.message)).toContain('Size M');
    expect(fake.records('product.product').filter((p) => p.default_code === taken)).toHaveLength(1);
    const [template] = templatesNamed(clash.name);
    const codes = variantsOf(template.id).map((v) => v.default_code ?? false); // raw rows: unset is absent
    expect(codes).toHaveLength(2);
    expect(codes).toEqual(expect.arrayContaining([`${id}-S`, false]));
  });

  it('a backfill page with a variant product and a plain one → both synced, the variants one by one', async () => {
    const id = nextId();
    const page = [
      product(id, { Size: ['S', 'M'], Colour: ['Red', 'Blue'] }, grid(['S', 'M'], ['Red', 'Blue'])),
      { ...product(`${id}p`, {}, []), name: `Plain ${id}`, sku: `PLAIN-${id}` },
    ];
    await harness.sendMany(Topic.BackfillProductUpserted, storeId, page);
    await waitFor(() => (finalLines(id).length > 0 && finalLines(`${id}p`).length > 0) || null, {
      timeoutMs: 150_000,
      description: 'backfill lines',
    });
    expect(finalLines(id)[0]).toMatchObject({ outcome: 'ok' });
    const [template] = templatesNamed(page[0].name);
    expect(variantsOf(template.id)).toHaveLength(4);
    expect(fake.records('product.product').filter((p) => p.default_code === `PLAIN-${id}`)).toHaveLength(1);
  });
});
