/* eslint-disable @typescript-eslint/no-explicit-any -- answers are parsed JSON, asserted field by field */
import { startSallaSimulator, type SallaSimulator } from '../src';
import { callApi } from './salla-client';

describe('Salla simulator: POST /products/quantities/bulk', () => {
  let sim: SallaSimulator;
  let token: string;

  afterEach(() => sim.close());

  async function start(bulkApplyDelayMs = 0) {
    sim = await startSallaSimulator({ bulkApplyDelayMs });
    sim.addStore({ id: 9, plan: 'plus' });
    token = sim.issueTokens(9).accessToken;
    const simple = sim.addProduct(9, { sku: 'MUG-1', quantity: 10 });
    const shirt = sim.addProduct(9, { sku: 'SHIRT' }, { variants: 2 });
    return { simple, shirt, variant: shirt.skus[0], other: shirt.skus[1] };
  }

  it('applies overwrite, increment and decrement by id, variant id and SKU', async () => {
    const { simple, variant, other } = await start();
    const before = other.stock_quantity;

    const answer = await callApi(sim, token, '/products/quantities/bulk', {
      method: 'POST',
      body: {
        products: [
          { identifer_type: 'id', identifer: simple.id, quantity: 4, mode: 'increment' },
          { identifer_type: 'variant_id', identifer: variant.id, quantity: 7, mode: 'overwrite' },
          { identifer_type: 'sku', identifer: other.sku, quantity: 1000, mode: 'decrement' },
        ],
      },
    });

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 201, success: true });
    expect(before).toBeLessThan(1000);
    expect(sim.quantityOf(9, { productId: simple.id })).toBe(14);
    expect(sim.quantityOf(9, { variantId: variant.id })).toBe(7);
    expect(sim.quantityOf(9, { sku: other.sku })).toBe(0); // never below zero

    const listed = await callApi(sim, token, '/products/quantities?per_page=60');
    const shirtRow = listed.body.data.find((row: any) => row.sku === 'SHIRT');
    expect(shirtRow.quantity).toBe(7); // the product's total follows its variants
    expect(shirtRow.skus.map((v: any) => v.stock_quantity)).toEqual([7, 0]);
  });

  it('one unknown identifier refuses the whole request with 422 fields and applies nothing', async () => {
    const { simple, shirt } = await start();
    const answer = await callApi(sim, token, '/products/quantities/bulk', {
      method: 'POST',
      body: {
        products: [
          { identifer_type: 'sku', identifer: 'MUG-1', quantity: 99, mode: 'overwrite' },
          { identifer_type: 'sku', identifer: 'NO-SUCH-SKU', quantity: 1, mode: 'overwrite' },
          { identifer_type: 'id', identifer: shirt.id, quantity: 1, mode: 'overwrite' },
          { identifer_type: 'barcode', identifer: '123', quantity: -1 },
        ],
      },
    });

    expect(answer.status).toBe(422);
    expect(Object.keys(answer.body.error.fields).sort()).toEqual([
      'products.1.identifer',
      'products.2.identifer',
      'products.3.identifer_type',
      'products.3.quantity',
    ]);
    expect(sim.quantityOf(9, { productId: simple.id })).toBe(10);
  });

  it('with a delay the answer is 201 at once and the change lands later, in order', async () => {
    const { simple } = await start(60_000);
    for (const quantity of [3, 5]) {
      const answer = await callApi(sim, token, '/products/quantities/bulk', {
        method: 'POST',
        body: { products: [{ identifer_type: 'sku', identifer: 'MUG-1', quantity, mode: 'overwrite' }] },
      });
      expect(answer.status).toBe(201);
    }
    expect(sim.quantityOf(9, { productId: simple.id })).toBe(10);
    expect(sim.pendingBulkUpdates).toBe(2);

    sim.flushBulkQuantities();
    expect(sim.quantityOf(9, { productId: simple.id })).toBe(5);
    expect(sim.pendingBulkUpdates).toBe(0);
  });
});
