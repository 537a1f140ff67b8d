import { type SalesOrderUpserted, Topic, deadLetterTopicOf } from '@app/contracts';
import { deliveriesOf, type FakeOdoo } from '@app/fake-odoo';
import { waitFor } from '@app/testing';

import { OdooSyncHarness, uniqueStoreId } from './odoo-sync-harness';
import { paidOrder, plainProduct } from './paid-order.fixture';

// The service starts from the earliest offset of shared topics: other suites' backlog can delay our events.
jest.setTimeout(300_000);

const KEY = 'fake-odoo-admin-key';

function order(orderId: string, overrides: Partial<SalesOrderUpserted> = {}): SalesOrderUpserted {
  return {
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
        productId: `p${orderId}`,
        sku: `SKU-${orderId}`,
        name: 'Oud oil',
        quantity: 2,
        unitPrice: '100',
        discount: '0',
        tax: '30',
        total: '230',
        options: [],
      },
      {
        lineId: 'l2',
        sku: `SKU-${orderId}-B`,
        name: 'Gift box',
        quantity: 1,
        unitPrice: '50',
        discount: '0',
        tax: '7.5',
        total: '57.5',
        options: [{ name: 'Colour', value: 'Red' }],
      },
    ],
    shipping: { methodName: 'SMSA' },
    payment: { methodCode: 'cod', status: 'paid' },
    // 250 + 15 + 5 − 10 = 260 taxable, 15% VAT = 39 → 299
    totals: { subtotal: '250', shipping: '15', cashOnDelivery: '5', discount: '10', tax: '39', total: '299' },
    ...overrides,
  };
}

const ordersOf = (fake: FakeOdoo, ref: string) =>
  fake.records('sale.order').filter((o) => o.client_order_ref === ref);

describe.each(['16', '19'] as const)('odoo-connector sync against a %s-style Odoo', (style) => {
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

  it('valid settings: connected, key kept sealed, sync-ready published with the version', async () => {
    const ready = harness.of(Topic.StoreSyncReady, storeId)[0].envelope.payload;
    expect(ready.odooVersion).toBe(`${style}.0`);
    expect(ready.skipBackfillIfDone).toBe(false);
    const saved = await harness.connections().get(storeId);
    expect(saved).toMatchObject({ status: 'connected', version: `${style}.0`, database: 'odoo' });
    expect(JSON.stringify(saved)).not.toContain(KEY);
    expect(saved?.apiKey).toMatchObject({ alg: 'AES-256-GCM' });
  });

  it('Odoo calls are measured on /metrics by protocol, operation and outcome', async () => {
    const text = await (await fetch(`${harness.svc.url}/metrics`)).text();
    expect(text).toMatch(/^odoo_requests_total\{[^}]*outcome="ok"[^}]*\} \d+/m);
    expect(text).toMatch(/^odoo_request_duration_seconds_bucket\{/m);
    expect(text).not.toContain('127.0.0.1'); // never labelled by the merchant's host
  });

  it('a wrong API key: invalid_credentials with a clear line, and no sync-ready', async () => {
    const other = uniqueStoreId();
    await harness.configure(other, fake.url, 'not-the-key');
    const line = await harness.waitActivity(other, (l) => l.entityType === 'store', 'store line');
    expect(line).toMatchObject({ outcome: 'failed', errorCode: 'odoo.invalid_credentials' });
    expect(String(line.message)).toContain('refused the login "admin"');
    expect(String(line.message)).not.toContain('not-the-key');
    expect((await harness.connections().get(other))?.status).toBe('invalid_credentials');
    expect(harness.of(Topic.StoreSyncReady, other)).toHaveLength(0);
  });

  it('a private URL outside the allow-list: refused_url saying why', async () => {
    const other = uniqueStoreId();
    await harness.configure(other, 'http://10.0.0.1:8069', KEY);
    const line = await harness.waitActivity(other, (l) => l.entityType === 'store', 'store line');
    expect(line).toMatchObject({ outcome: 'failed', errorCode: 'odoo.refused_url' });
    expect(String(line.message)).toMatch(/10\.0\.0\.1.*private/);
    expect((await harness.connections().get(other))?.status).toBe('refused_url');
  });

  it.each([
    ['VAT on everything, shipping, COD and a discount', '1', {}],
    [
      'no tax (as in the Salla samples: 186 + 15 − 5 = 196)',
      '2',
      {
        totals: {
          subtotal: '250',
          shipping: '15',
          cashOnDelivery: '0',
          discount: '5',
          tax: '0',
          total: '260',
        },
      },
    ],
    [
      'VAT on the products only',
      '3',
      {
        totals: {
          subtotal: '250',
          shipping: '15',
          cashOnDelivery: '5',
          discount: '0',
          tax: '37.5',
          total: '307.5',
        },
      },
    ],
  ])(
    "order with %s: Odoo's total equals Salla's and the paid order is confirmed",
    async (_label, n, overrides) => {
      const o = order(`${style}0${n}${Date.now() % 100000}`, overrides);
      await harness.send(Topic.SalesOrderUpserted, storeId, o);
      const line = await harness.waitActivity(storeId, (l) => l.entityId === o.orderId, 'order line');
      expect(line).toMatchObject({ outcome: 'ok' });
      const [saved] = ordersOf(fake, o.referenceId);
      const total = fake.database().value('sale.order', saved, 'amount_total');
      expect(total).toBe(Number(o.totals.total));
      expect(saved).toMatchObject({ origin: `Salla #${o.referenceId}`, state: 'sale' });
    },
  );

  it('an order whose tax cannot be reproduced is flagged with the difference, not confirmed', async () => {
    const o = order(`${style}09${Date.now() % 100000}`, {
      totals: {
        subtotal: '250',
        shipping: '15',
        cashOnDelivery: '5',
        discount: '10',
        tax: '7.77',
        total: '267.77',
      },
    });
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const line = await harness.waitActivity(storeId, (l) => l.entityId === o.orderId, 'order line');
    expect(line).toMatchObject({ outcome: 'failed', errorCode: 'order.total_mismatch' });
    expect(String(line.message)).toContain("differs from Salla's 267.77");
    expect(ordersOf(fake, o.referenceId)[0].state).toBe('draft');
  });

  it('an order changed in Salla after Odoo confirmed it is reported as such, and its cancellation still applies', async () => {
    const o = order(`${style}08${Date.now() % 100000}`);
    await harness.send(Topic.SalesOrderUpserted, storeId, {
      ...o,
      sourceUpdatedAt: '2026-11-01T00:00:00.000Z',
    });
    await harness.waitActivity(
      storeId,
      (l) => l.entityId === o.orderId && l.outcome === 'ok',
      'order confirmed',
    );
    expect(ordersOf(fake, o.referenceId)[0].state).toBe('sale');

    // The customer adds an item in Salla: 250 → 350 before tax.
    const [first, second] = o.lines;
    const grown = {
      ...o,
      lines: [{ ...first, quantity: 3 }, second],
      totals: { ...o.totals, subtotal: '350', tax: '54', total: '414' },
      sourceUpdatedAt: '2026-11-02T00:00:00.000Z',
    };
    await harness.send(Topic.SalesOrderUpserted, storeId, grown);
    const changed = await harness.waitActivity(
      storeId,
      (l) => l.entityId === o.orderId && l.outcome === 'failed',
      'changed after confirmation',
    );
    expect(changed).toMatchObject({ errorCode: 'order.changed_after_confirmation' });
    expect(String(changed.message)).toContain('after it was confirmed in Odoo');
    expect(String(changed.message)).not.toContain('sales tax');

    await harness.send(Topic.SalesOrderUpserted, storeId, {
      ...grown,
      status: { slug: 'canceled' },
      payment: { ...grown.payment, status: 'cancelled' },
      sourceUpdatedAt: '2026-11-03T00:00:00.000Z',
    });
    await waitFor(() => ordersOf(fake, o.referenceId)[0].state === 'cancel' || null, {
      timeoutMs: 60_000,
      description: 'order cancelled in Odoo',
    });
  });

  it("a new customer is not merged into another whose email differs where it has a '_' (no LIKE wildcards)", async () => {
    const id = `${style}07${Date.now() % 100000}`;
    const customer = (n: string, email: string) => ({
      customerId: `c${id}${n}`,
      name: `Customer ${n}`,
      email,
      countryCode: 'SA',
    });
    const first = order(`${id}1`, { customer: customer('1', `sara.ali${id}@example.sa`) });
    const second = order(`${id}2`, { customer: customer('2', `sara_ali${id}@example.sa`) });
    const third = order(`${id}3`, { customer: customer('3', `SARA_ALI${id}@example.sa`) });
    for (const o of [first, second, third]) {
      await harness.send(Topic.SalesOrderUpserted, storeId, o);
      await harness.waitActivity(storeId, (l) => l.entityId === o.orderId && l.outcome === 'ok', o.orderId);
    }
    const partnerOf = (o: SalesOrderUpserted) => ordersOf(fake, o.referenceId)[0].partner_id;
    expect(partnerOf(second)).not.toBe(partnerOf(first));
    // The same address in other capitals is still the same person (=ilike stays case-insensitive).
    expect(partnerOf(third)).toBe(partnerOf(second));
  });

  it('an order ships to its delivery address: a delivery contact under the customer, on the order and its delivery', async () => {
    const id = `${style}06${Date.now() % 100000}`;
    const address = {
      name: 'Noura Ali',
      phone: '+966500000001',
      countryCode: 'SA',
      city: 'Riyadh',
      district: 'Al Olaya',
      street: 'King Fahd Rd 12',
      postalCode: '12211',
    };
    const first = order(`${id}1`, { shipping: { methodName: 'SMSA', address } });
    await harness.send(Topic.SalesOrderUpserted, storeId, first);
    await harness.waitActivity(storeId, (l) => l.entityId === first.orderId && l.outcome === 'ok', 'first');
    const db = fake.database();
    const saleOrder = () => ordersOf(fake, first.referenceId)[0];
    const shipTo = db.get('res.partner', saleOrder().partner_shipping_id as number)!;
    expect(shipTo).toMatchObject({
      type: 'delivery',
      parent_id: saleOrder().partner_id,
      name: 'Noura Ali',
      phone: '+966500000001',
      street: 'King Fahd Rd 12',
      street2: 'Al Olaya',
      city: 'Riyadh',
      zip: '12211',
    });
    expect(deliveriesOf(db, saleOrder().id).map((p) => p.partner_id)).toEqual([shipTo.id]);

    // The customer's next order to the same address: the same contact, not a copy.
    const second = order(`${id}2`, { customer: first.customer, shipping: { methodName: 'SMSA', address } });
    await harness.send(Topic.SalesOrderUpserted, storeId, second);
    await harness.waitActivity(storeId, (l) => l.entityId === second.orderId && l.outcome === 'ok', 'second');
    expect(ordersOf(fake, second.referenceId)[0].partner_shipping_id).toBe(shipTo.id);

    // The address corrected in Salla before shipping: a new contact, and the open delivery follows it.
    await harness.send(Topic.SalesOrderUpserted, storeId, {
      ...first,
      shipping: { methodName: 'SMSA', address: { ...address, street: 'King Fahd Rd 14' } },
      sourceUpdatedAt: '2026-11-02T00:00:00.000Z',
    });
    await waitFor(() => saleOrder().partner_shipping_id !== shipTo.id || null, {
      timeoutMs: 60_000,
      description: 'the new delivery address on the order',
    });
    const moved = db.get('res.partner', saleOrder().partner_shipping_id as number)!;
    expect(moved).toMatchObject({ type: 'delivery', street: 'King Fahd Rd 14' });
    expect(deliveriesOf(db, saleOrder().id).map((p) => p.partner_id)).toEqual([moved.id]);

    // The receiver orders for herself later, same phone: her own customer, not the address contact.
    const own = order(`${id}3`, {
      customer: { customerId: `c${id}3`, name: 'Noura Ali', phone: '+966500000001', countryCode: 'SA' },
    });
    await harness.send(Topic.SalesOrderUpserted, storeId, own);
    await harness.waitActivity(storeId, (l) => l.entityId === own.orderId && l.outcome === 'ok', 'own');
    const buyer = db.get('res.partner', ordersOf(fake, own.referenceId)[0].partner_id as number)!;
    expect(buyer.type).not.toBe('delivery');
  });

  it('a product without SKU ordered before its own sync is then synced onto the order line product, not twice', async () => {
    const orderId = `${style}05${Date.now() % 100000}`;
    const o = paidOrder(orderId, { payment: { methodCode: 'mada', status: 'pending' } });
    const noSku = { ...o.lines[0], sku: undefined, name: `Handmade soap ${orderId}` };
    await harness.send(Topic.SalesOrderUpserted, storeId, { ...o, lines: [noSku] });
    await harness.waitActivity(storeId, (l) => l.entityId === orderId && l.outcome === 'ok', 'order');
    const templates = () => fake.records('product.template').filter((t) => String(t.name).includes(orderId));
    const [fromLine] = templates();

    await harness.send(Topic.CatalogProductUpserted, storeId, {
      ...plainProduct(noSku.productId!, `Handmade soap ${orderId}`, ''),
      sku: undefined,
    });
    const line = await harness.waitActivity(storeId, (l) => l.entityId === noSku.productId, 'product');
    expect(line).toMatchObject({ outcome: 'ok' });
    expect(templates().map((t) => t.id)).toEqual([fromLine.id]);
  });

  it('the same order event 5× at once → one sale.order', async () => {
    const o = order(`${style}1${Date.now() % 100000}`);
    // Different keys spread the copies over partitions, so they really run concurrently.
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        harness.send(Topic.SalesOrderUpserted, storeId, o, `${storeId}:${o.orderId}:${i}`),
      ),
    );
    await waitFor(
      () =>
        harness.activity(storeId).filter((l) => l.entityId === o.orderId && l.outcome === 'ok').length >= 5 ||
        null,
      {
        timeoutMs: 90_000,
        description: '5 applied',
      },
    );
    expect(ordersOf(fake, o.referenceId)).toHaveLength(1);
    const products = fake.records('product.product').filter((p) => p.default_code === `SKU-${o.orderId}`);
    expect(products).toHaveLength(1);
  });

  it('a crash between creating the order and writing its binding → still one order after the retry', async () => {
    const o = order(`${style}2${Date.now() % 100000}`);
    fake.crashAfter('sale.order', 'create');
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    await harness.waitActivity(
      storeId,
      (l) => l.entityId === o.orderId && l.outcome === 'ok',
      'order applied',
    );
    expect(
      fake.calls.some((c) => c.model === 'sale.order' && c.method === 'create' && c.outcome === 'crashed'),
    ).toBe(true);
    expect(ordersOf(fake, o.referenceId)).toHaveLength(1);
    expect(ordersOf(fake, o.referenceId)[0].state).toBe('sale');
  });

  it('Odoo answering 503 to the order create → created on a quick re-run of the first delivery, once', async () => {
    const o = order(`${style}3${Date.now() % 100000}`);
    // 503: Odoo rolled the call back, so the binding claim is freed at once instead of waiting to go stale.
    fake.failOn('sale.order', 'create', 503);
    const sent = new Date();
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const line = await harness.waitActivity(
      storeId,
      (l) => l.entityId === o.orderId && l.outcome === 'ok',
      'order applied',
    );
    expect(line.attempt).toBe(1); // not sent back through Kafka's retry
    expect(ordersOf(fake, o.referenceId)).toHaveLength(1);
    const creates = fake.calls.filter(
      (c) => c.model === 'sale.order' && c.method === 'create' && c.at >= sent,
    );
    expect(creates.map((c) => c.outcome)).toEqual(['http-error', 'ok']);
  });

  it('two Salla products with the same SKU → one Odoo product and a sku_conflict line', async () => {
    const sku = `DUP-${style}-${Date.now()}`;
    const product = (productId: string) => ({
      source: 'salla' as const,
      productId,
      name: `Product ${productId}`,
      sku,
      kind: 'physical' as const,
      tracksInventory: true,
      isActive: true,
      currency: 'SAR',
      price: '20',
      categoryIds: [],
      options: [],
      variants: [],
    });
    await harness.send(Topic.CatalogProductUpserted, storeId, product(`${sku}-a`));
    await harness.waitActivity(storeId, (l) => l.entityId === `${sku}-a`, 'first product');
    await harness.send(Topic.CatalogProductUpserted, storeId, product(`${sku}-b`));
    const line = await harness.waitActivity(storeId, (l) => l.entityId === `${sku}-b`, 'second product');
    expect(line).toMatchObject({ outcome: 'failed', errorCode: 'binding.sku_conflict' });
    expect(String(line.message)).toContain(sku);
    expect(fake.records('product.product').filter((p) => p.default_code === sku)).toHaveLength(1);
    const storable = style === '19' ? { is_storable: true } : { type: 'product' };
    expect(fake.records('product.template').filter((t) => t.name === `Product ${sku}-a`)[0]).toMatchObject(
      storable,
    );
  });

  it('a product hidden in Salla is archived in Odoo, and an order for it still becomes a sale order', async () => {
    const orderId = `${style}${Date.now() % 1_000_000}`;
    const order = paidOrder(orderId, { payment: { methodCode: 'mada', status: 'pending' } });
    const [line] = order.lines;
    const product = {
      ...plainProduct(line.productId!, 'Oud oil', line.sku!),
      sourceUpdatedAt: '2026-11-01T00:00:00.000Z',
    };
    await harness.send(Topic.CatalogProductUpserted, storeId, product);
    await harness.waitActivity(storeId, (l) => l.entityId === product.productId, 'product');
    await harness.send(Topic.CatalogProductUpserted, storeId, {
      ...product,
      isActive: false,
      sourceUpdatedAt: '2026-11-02T00:00:00.000Z',
    });
    await waitFor(
      () => fake.records('product.product').find((p) => p.default_code === line.sku)?.active === false,
      {
        description: 'variant archived with its template',
      },
    );

    await harness.send(Topic.SalesOrderUpserted, storeId, order);
    const synced = await harness.waitActivity(storeId, (l) => l.entityId === orderId, 'order');
    expect(synced).toMatchObject({ outcome: 'ok' });
    const [saleOrder] = ordersOf(fake, order.referenceId);
    const variant = fake.records('product.product').find((p) => p.default_code === line.sku)!;
    const lines = fake.records('sale.order.line').filter((l) => l.order_id === saleOrder.id);
    expect(lines.map((l) => l.product_id)).toContain(variant.id);
  });

  it('Odoo answering 5xx twice then OK → the category is applied once', async () => {
    const categoryId = `cat${Date.now()}`;
    fake.failNext(2, 503);
    await harness.send(Topic.CatalogCategoryUpserted, storeId, {
      source: 'salla',
      categoryId,
      name: `Perfumes ${categoryId}`,
    });
    await harness.waitActivity(
      storeId,
      (l) => l.entityId === categoryId && l.outcome === 'ok',
      'category applied',
    );
    expect(fake.records('product.category').filter((c) => c.name === `Perfumes ${categoryId}`)).toHaveLength(
      1,
    );
  });

  it('a ValidationError → dead letter and a failed line with the reason in plain words', async () => {
    const customerId = `cust${Date.now()}`;
    fake.validationErrorOn('res.partner', 'create', 'The phone number +9665 is not valid', 1);
    await harness.send(Topic.CustomerUpserted, storeId, {
      source: 'salla',
      customerId,
      name: 'Omar',
      phone: '+9665',
    });
    const line = await harness.waitActivity(storeId, (l) => l.entityId === customerId, 'customer line');
    expect(line).toMatchObject({ outcome: 'failed', errorCode: 'odoo.validation' });
    expect(String(line.message)).toContain('The phone number +9665 is not valid');
    expect(String(line.message)).not.toMatch(/Traceback|File "/);
    const dead = await waitFor(
      () =>
        harness
          .of(deadLetterTopicOf(Topic.CustomerUpserted), storeId)
          .find((d) => d.envelope.payload.customerId === customerId) ?? null,
      { timeoutMs: 30_000, description: 'dead letter' },
    );
    expect(dead.headers['x-dlt-reason']).toContain('The phone number +9665 is not valid');
    expect(fake.records('res.partner').filter((p) => p.name === 'Omar')).toHaveLength(0);
  });

  it('uninstall deletes the connection settings', async () => {
    const other = uniqueStoreId();
    await harness.connect(other, fake.url, KEY);
    await harness.send(Topic.StoreUninstalled, other, { uninstalledAt: new Date().toISOString() });
    await harness.waitActivity(other, (l) => String(l.message).includes('uninstalled'), 'uninstall line');
    expect(await harness.connections().get(other)).toBeNull();
  });
});
