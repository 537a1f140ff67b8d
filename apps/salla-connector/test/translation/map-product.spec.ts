import { type InventoryLevelChanged, Topic } from '@app/contracts';

import { mapProduct, type SallaProduct, translate } from '../../src/translation';
import { fixtureData, inputOf, problemsOf, testDeps } from './translation-test-kit';

const SAR = { fallbackCurrency: 'SAR' };

/** A T-shirt in two sizes, shaped like `GET /products/{id}` (options with values, one sku per combination). */
function tShirt(): SallaProduct {
  return {
    id: 314159,
    name: 'T-shirt',
    type: 'product',
    status: 'sale',
    sku: 'TS',
    price: { amount: 60, currency: 'SAR' },
    sale_price: { amount: 0, currency: 'SAR' },
    cost_price: null,
    quantity: 12,
    unlimited_quantity: false,
    weight: 250,
    weight_type: 'g',
    categories: [{ id: 11, name: 'Clothes' }, 12],
    options: [
      {
        id: 900,
        name: 'Size',
        type: 'radio',
        values: [
          { id: 901, name: 'M', price: { amount: 0, currency: 'SAR' } },
          { id: 902, name: 'L', price: { amount: 5, currency: 'SAR' } },
        ],
      },
    ],
    skus: [
      {
        id: 7001,
        sku: 'TS-M',
        barcode: '6281000000011',
        price: { amount: 60, currency: 'SAR' },
        sale_price: { amount: 49.95, currency: 'SAR' },
        stock_quantity: 5,
        related_option_values: [901],
      },
      {
        id: 7002,
        sku: 'TS-L',
        barcode: '',
        price: { amount: 65, currency: 'SAR' },
        sale_price: { amount: 0, currency: 'SAR' },
        stock_quantity: -2,
        related_option_values: [902],
      },
    ],
    updated_at: '2024-03-01 10:00:00',
  };
}

describe('Salla product → catalog.product.upserted.v1', () => {
  it('maps each sku to a variant with its own SKU, barcode, prices, stock and option values', async () => {
    const product = mapProduct(tShirt(), SAR);
    expect(product.variants).toEqual([
      {
        variantId: '7001',
        sku: 'TS-M',
        barcode: '6281000000011',
        price: '60',
        salePrice: '49.95',
        quantity: 5,
        options: [{ option: 'Size', value: 'M' }],
      },
      {
        variantId: '7002',
        sku: 'TS-L',
        price: '65',
        quantity: 0, // oversold: Salla's negative count is reported as 0
        options: [{ option: 'Size', value: 'L' }],
      },
    ]);
    expect(product.options).toEqual([
      {
        id: '900',
        name: 'Size',
        values: [
          { id: '901', name: 'M' },
          { id: '902', name: 'L' },
        ],
      },
    ]);
    // Stock is held per variant, so the product itself states none.
    expect(product).toMatchObject({
      tracksInventory: true,
      isActive: true,
      kind: 'physical',
      weightKg: '0.25',
    });
    expect(product.quantity).toBeUndefined();
    expect(product.categoryIds).toEqual(['11', '12']);
    expect(product.sourceUpdatedAt).toBe('2024-03-01T07:00:00.000Z');
    expect(await problemsOf({ topic: Topic.CatalogProductUpserted, payload: product }, '1')).toEqual([]);
  });

  it('a product with unlimited quantity tracks no stock and states no quantities', () => {
    const product = mapProduct({ ...tShirt(), unlimited_quantity: true }, SAR);
    expect(product.tracksInventory).toBe(false);
    expect(product.variants.map((v) => v.quantity)).toEqual([undefined, undefined]);
  });

  it.each([
    ['product', 'physical'],
    ['food', 'physical'],
    ['group_products', 'physical'],
    ['service', 'service'],
    ['booking', 'service'],
    ['donating', 'service'],
    ['digital', 'digital'],
    ['codes', 'digital'],
    ['something_new', 'physical'],
    ['constructor', 'physical'],
  ])('Salla type %s is sold as %s (and kept as sourceType)', (type, kind) => {
    expect(mapProduct({ ...tShirt(), type }, SAR)).toMatchObject({ kind, sourceType: type });
  });

  it.each([
    ['sale', true],
    ['out', true],
    ['hidden', false],
    ['deleted', false],
  ])('status %s → active %s', (status, isActive) => {
    expect(mapProduct({ ...tShirt(), status }, SAR).isActive).toBe(isActive);
  });

  it("the sample product: a hidden booking with 20 sessions, no sale price, no SKU (Salla's 0 and '' mean none)", () => {
    const product = mapProduct(fixtureData<SallaProduct>('product.created.json'), SAR);
    expect(product).toMatchObject({
      productId: '1025569331',
      kind: 'service',
      isActive: false,
      tracksInventory: true,
      quantity: 20,
      price: '299',
      currency: 'SAR',
    });
    expect(product.salePrice).toBeUndefined();
    expect(product.sku).toBeUndefined();
    expect(product.weightKg).toBeUndefined();
  });

  it('reads bare-number prices (the product.price.updated shape) in the store currency', () => {
    const product = mapProduct(
      { id: 1, name: 'Mug', status: 'sale', price: 150, sale_price: { amount: 85 }, cost: 60, skus: [] },
      { fallbackCurrency: 'AED' },
    );
    expect(product).toMatchObject({ price: '150', salePrice: '85', costPrice: '60', currency: 'AED' });
  });

  it('refuses a product without a price permanently, naming the field', () => {
    expect(() => mapProduct({ ...tShirt(), price: null, regular_price: undefined }, SAR)).toThrow(
      'Salla product 314159: price is missing',
    );
    expect(() => mapProduct({ ...tShirt(), price: 'free' }, SAR)).toThrow('price is not a number');
  });
});

describe('product.quantity.low → inventory.level.changed.v1', () => {
  it('states one level per variant, keyed by the variant', async () => {
    const { deps } = testDeps();
    const result = await translate(inputOf('product.quantity.low.json', { data: tShirt() }), deps);
    const levels = result.emit.map((e) => e.payload as InventoryLevelChanged);
    expect(levels).toEqual([
      expect.objectContaining({ productId: '314159', variantId: '7001', sku: 'TS-M', quantity: 5 }),
      expect.objectContaining({ productId: '314159', variantId: '7002', sku: 'TS-L', quantity: 0 }),
    ]);
    expect(result.emit.every((e) => e.topic === Topic.InventoryLevelChanged)).toBe(true);
  });

  it('is skipped for a product whose stock is not tracked', async () => {
    const { deps } = testDeps();
    const result = await translate(
      inputOf('product.quantity.low.json', { data: { ...tShirt(), unlimited_quantity: true } }),
      deps,
    );
    expect(result).toEqual({ emit: [], effects: [], skipped: 'stock is not tracked for this product' });
  });
});
