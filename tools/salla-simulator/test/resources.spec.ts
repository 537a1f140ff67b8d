/* eslint-disable @typescript-eslint/no-explicit-any -- answers are parsed JSON, asserted field by field */
import { startSallaSimulator, type SallaSimulator } from '../src';
import { callApi } from './salla-client';

describe('Salla simulator: resources as Salla serves them', () => {
  let sim: SallaSimulator;
  let token: string;

  beforeEach(async () => {
    sim = await startSallaSimulator();
    sim.addStore({ id: 1305146709, plan: 'pro', name: 'متجر الاختبار' });
    sim.seedCategories(1305146709, 5);
    sim.seedShippingCompanies(1305146709, 3);
    sim.seedPaymentMethods(1305146709);
    token = sim.issueTokens(1305146709).accessToken;
  });
  afterEach(() => sim.close());

  it('store info names the store, its plan and currency', async () => {
    const info = await callApi(sim, token, '/store/info');
    expect(info.body).toMatchObject({
      status: 200,
      success: true,
      data: { id: 1305146709, name: 'متجر الاختبار', plan: 'pro', currency: 'SAR' },
    });
  });

  it('a product is found by id and by its own or a variant SKU, with prices as Salla sends them', async () => {
    const product = sim.addProduct(1305146709, { sku: 'TSHIRT', price: { amount: 100 } }, { variants: 2 });
    const byId = await callApi(sim, token, `/products/${product.id}`);
    expect(byId.body.data).toMatchObject({
      sku: 'TSHIRT',
      price: { amount: 100, currency: 'SAR' },
      taxed_price: { amount: 115, currency: 'SAR' },
      status: 'sale',
    });
    expect(byId.body.data.skus[0]).toMatchObject({
      price: { amount: 100, currency: 'SAR' },
      barcode: expect.stringMatching(/^628\d{10}$/),
      related_option_values: [byId.body.data.options[0].values[0].id],
    });
    expect((await callApi(sim, token, '/products/sku/TSHIRT')).body.data.id).toBe(product.id);
    expect((await callApi(sim, token, `/products/sku/${product.skus[1].sku}`)).body.data.id).toBe(product.id);

    const missing = await callApi(sim, token, '/products/sku/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      status: 404,
      success: false,
      error: { message: expect.any(String) },
    });
  });

  it('two stores may use the same SKU, one store may not', () => {
    sim.addStore({ id: 2, plan: 'plus' });
    sim.addProduct(1305146709, { sku: 'SAME' });
    expect(() => sim.addProduct(2, { sku: 'SAME' })).not.toThrow();
    expect(() => sim.addProduct(1305146709, { sku: 'SAME' })).toThrow(/already belongs/);
  });

  it('a new order takes its quantities from stock and is served in full with its customer and shipping', async () => {
    const mug = sim.addProduct(1305146709, { sku: 'MUG', quantity: 10, price: { amount: 20 } });
    const order = sim.addOrder(1305146709, {
      items: [{ sku: 'MUG', quantity: 3 }],
      status: 'under_review',
      payment_method: 'cod',
    });
    expect(sim.quantityOf(1305146709, { sku: 'MUG' })).toBe(7);

    const detail = await callApi(sim, token, `/orders/${order.id}`);
    expect(detail.body.data).toMatchObject({
      id: order.id,
      reference_id: order.reference_id,
      status: { slug: 'under_review', name: expect.any(String), id: expect.any(Number) },
      payment_method: 'cod',
      amounts: { sub_total: { amount: 60, currency: 'SAR' }, cash_on_delivery: { amount: 10 } },
      items: [{ sku: 'MUG', quantity: 3, product: { id: mug.id }, product_sku_id: null }],
      shipping: { company: expect.any(String) },
    });
    const { amounts } = detail.body.data;
    expect(amounts.total.amount).toBeCloseTo(
      amounts.sub_total.amount +
        amounts.shipping_cost.amount +
        amounts.cash_on_delivery.amount +
        amounts.tax.amount.amount,
      2,
    );
    const shippingId = detail.body.data.shipping.id;
    expect((await callApi(sim, token, `/shipping/companies/${shippingId}`)).status).toBe(200);
    const customer = await callApi(sim, token, `/customers/${detail.body.data.customer.id}`);
    expect(customer.body.data).toMatchObject({ id: detail.body.data.customer.id, country_code: 'SA' });
  });

  it('an order status changes by slug or status id; an unknown slug is a 422 naming the field', async () => {
    sim.seedProducts(1305146709, 3);
    const order = sim.addOrder(1305146709, { status: 'under_review' });

    const bySlug = await callApi(sim, token, `/orders/${order.id}/status`, {
      method: 'POST',
      body: { slug: 'in_progress', note: 'أرسل من أودو' },
    });
    expect(bySlug.status).toBe(201);
    expect(sim.orderStatus(1305146709, order.id)).toBe('in_progress');

    const statuses = (await callApi(sim, token, '/orders/statuses')).body.data;
    const completed = statuses.find((s: any) => s.slug === 'completed');
    await callApi(sim, token, `/orders/${order.id}/status`, {
      method: 'POST',
      body: { status_id: completed.id },
    });
    expect(sim.orderStatus(1305146709, order.id)).toBe('completed');

    const unknown = await callApi(sim, token, `/orders/${order.id}/status`, {
      method: 'POST',
      body: { slug: 'teleported' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.fields).toEqual({ slug: [expect.any(String)] });
    expect(sim.orderStatus(1305146709, order.id)).toBe('completed');
  });

  it('payment methods and shipping companies list what was seeded', async () => {
    const methods = await callApi(sim, token, '/payment/methods');
    expect(methods.body.data.map((m: any) => m.slug)).toEqual(
      expect.arrayContaining(['mada', 'cod', 'bank']),
    );
    const companies = await callApi(sim, token, '/shipping/companies');
    expect(companies.body.pagination.total).toBe(3);
  });

  it('seeding is deterministic: the same calls give the same store', async () => {
    const twin = await startSallaSimulator();
    try {
      twin.addStore({ id: 1305146709, plan: 'pro', name: 'متجر الاختبار' });
      twin.seedCategories(1305146709, 5);
      twin.seedShippingCompanies(1305146709, 3);
      twin.seedPaymentMethods(1305146709);
      const a = sim.seedProducts(1305146709, 5, { variantsPerProduct: 2 });
      const b = twin.seedProducts(1305146709, 5, { variantsPerProduct: 2 });
      expect(b).toEqual(a);
    } finally {
      await twin.close();
    }
  });
});
