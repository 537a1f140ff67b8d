import { type SalesOrderUpserted, Topic } from '@app/contracts';
import { type FakeOdoo } from '@app/fake-odoo';
import { waitFor } from '@app/testing';

import { PaymentJournalMappingsRepository } from '../../src/sync/payment-journal-mappings.repository';

import { OdooSyncHarness } from './odoo-sync-harness';
import { plainProduct } from './paid-order.fixture';

// The service starts from the earliest offset of shared topics: other suites' backlog can delay our events.
jest.setTimeout(300_000);

/** A SAR order of 299 (VAT on everything), as in odoo-sync.int-spec. */
function sarOrder(orderId: string, overrides: Partial<SalesOrderUpserted> = {}): SalesOrderUpserted {
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
        options: [],
      },
    ],
    shipping: { methodName: 'SMSA' },
    payment: { methodCode: 'knet', status: 'paid' },
    totals: { subtotal: '250', shipping: '15', cashOnDelivery: '5', discount: '10', tax: '39', total: '299' },
    ...overrides,
  };
}

/**
 * A Kuwaiti order (1 dinar = 1000 fils), VAT per line: products 2 × 12.345 + 7.125 = 31.815, shipping 1.500,
 * COD 0.250, discount 1.005; tax 3.704 + 1.069 + 0.225 + 0.038 − 0.151 = 4.885 → 37.445. Rounded to 2
 * decimals anywhere on the way it cannot come to 37.445.
 */
function kwdOrder(orderId: string, productId = `p${orderId}`): SalesOrderUpserted {
  const base = sarOrder(orderId);
  return {
    ...base,
    currency: 'KWD',
    customer: { ...base.customer, countryCode: 'KW' },
    lines: [
      { ...base.lines[0], productId, unitPrice: '12.345', tax: '3.704', total: '28.394' },
      { ...base.lines[1], unitPrice: '7.125', tax: '1.069', total: '8.194' },
    ],
    totals: {
      subtotal: '31.815',
      shipping: '1.500',
      cashOnDelivery: '0.250',
      discount: '1.005',
      tax: '4.885',
      total: '37.445',
    },
  };
}

describe.each(['16', '19'] as const)('order currencies against a %s-style Odoo', (style) => {
  let harness: OdooSyncHarness;
  let fake: FakeOdoo;
  let storeId: string;
  let n = 0;
  const nextId = () => `${style}${Date.now() % 1_000_000}${n++}`;

  const db = () => fake.database();
  const currencyId = (code: string) => fake.records('res.currency').find((c) => c.name === code)!.id;
  const activate = (code: string) => db().write('res.currency', [currencyId(code)], { active: true });
  const addPricelist = (code: string) =>
    db().createOne('product.pricelist', { name: `${code} prices`, currency_id: currencyId(code) }, {});
  const salesOf = (ref: string) => fake.records('sale.order').filter((o) => o.client_order_ref === ref);
  const linesOf = (orderId: string) =>
    harness.activity(storeId).filter((l) => l.entityType === 'order' && l.entityId === orderId);

  beforeAll(async () => {
    ({ harness, fake, storeId } = await OdooSyncHarness.startConnected({ style }));
  });

  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  it('a KWD order while Odoo keeps unit prices to 2 decimals: flagged, not rounded into another price', async () => {
    activate('KWD');
    addPricelist('KWD');
    const o = kwdOrder(nextId());
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const line = await harness.waitActivity(storeId, (l) => l.entityId === o.orderId, 'order line');
    expect(line).toMatchObject({ outcome: 'failed', errorCode: 'order.price_precision' });
    expect(String(line.message)).toContain(
      'has a unit price of 12.345 KWD but Odoo keeps unit prices to 2 decimals: set the "Product Price" decimal accuracy to 3',
    );
    expect(salesOf(o.referenceId)).toHaveLength(0);
  });

  it("a KWD order with a KWD price list: booked in KWD, total equal to Salla's to the fils, confirmed", async () => {
    // What a Kuwaiti merchant's Odoo has: unit prices kept to the fils.
    const precision = fake.records('decimal.precision').find((p) => p.name === 'Product Price')!;
    db().write('decimal.precision', [precision.id], { digits: 3 });
    const pricelist = fake.records('product.pricelist').find((p) => p.name === 'KWD prices')!.id;
    const o = kwdOrder(nextId());
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const line = await harness.waitActivity(storeId, (l) => l.entityId === o.orderId, 'order line');
    expect(line).toMatchObject({ outcome: 'ok' });
    expect(String(line.message)).toContain('(total 37.445 KWD)');
    const [sale] = salesOf(o.referenceId);
    expect(sale).toMatchObject({ currency_id: currencyId('KWD'), pricelist_id: pricelist, state: 'sale' });
    expect(db().value('sale.order', sale, 'amount_total')).toBe(37.445);
    expect(db().value('sale.order', sale, 'amount_tax')).toBe(4.885);
  });

  it('a paid KWD order with a mapped journal: invoiced and paid to the fils', async () => {
    await harness.svc.app.get(PaymentJournalMappingsRepository).set(storeId, 'knet', 'BNK1');
    const o = kwdOrder(nextId());
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const line = await harness.waitActivity(storeId, (l) => l.entityId === o.orderId, 'order line');
    expect(line).toMatchObject({ outcome: 'ok' });
    expect(String(line.message)).toMatch(/invoiced \(INV\/.*\) and paid: 37\.445 KWD in journal BNK1/);
    const [sale] = salesOf(o.referenceId);
    const invoices = fake.records('account.move').filter((m) => m.invoice_origin === sale.name);
    expect(invoices).toHaveLength(1);
    expect(db().value('account.move', invoices[0], 'amount_total')).toBe(37.445);
    expect(db().value('account.move', invoices[0], 'amount_residual')).toBe(0);
    const payments = fake.records('account.payment').filter((p) => p.amount === 37.445);
    expect(payments).toHaveLength(1);
  });

  it('a USD order when the company works in SAR without a USD price list: not created, flagged; created in USD once the price list exists', async () => {
    const o = sarOrder(nextId(), { currency: 'USD' });
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const flagged = await harness.waitActivity(storeId, (l) => l.entityId === o.orderId, 'flagged line');
    expect(flagged).toMatchObject({ outcome: 'failed', errorCode: 'order.currency_unsupported' });
    expect(String(flagged.message)).toContain(
      `Order #${o.referenceId} is in USD but your Odoo company works in SAR and has no price list in USD: create one (Sales › Products › Pricelists`,
    );
    expect(salesOf(o.referenceId)).toHaveLength(0);

    const pricelist = addPricelist('USD');
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const created = await harness.waitActivity(
      storeId,
      (l) => l.entityId === o.orderId && l.outcome === 'ok',
      'created line',
    );
    expect(String(created.message)).toContain('(total 299.00 USD)');
    const sales = salesOf(o.referenceId);
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({
      currency_id: currencyId('USD'),
      pricelist_id: pricelist,
      state: 'sale',
    });
    expect(db().value('sale.order', sales[0], 'amount_total')).toBe(299);
  });

  it('an order in a currency that is not active in Odoo: currency_unknown, no sale order', async () => {
    const o = sarOrder(nextId(), { currency: 'EUR' });
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const line = await harness.waitActivity(storeId, (l) => l.entityId === o.orderId, 'order line');
    expect(line).toMatchObject({ outcome: 'failed', errorCode: 'order.currency_unknown' });
    expect(String(line.message)).toContain('EUR, which is not an active currency in Odoo');
    expect(salesOf(o.referenceId)).toHaveLength(0);
  });

  it('a SAR order is still booked in SAR with the SAR price list, even when a USD one comes first', async () => {
    db().createOne('product.pricelist', { name: 'Export', currency_id: currencyId('USD'), sequence: 1 }, {});
    const o = sarOrder(nextId());
    await harness.send(Topic.SalesOrderUpserted, storeId, o);
    const line = await harness.waitActivity(storeId, (l) => l.entityId === o.orderId, 'order line');
    expect(line).toMatchObject({ outcome: 'ok' });
    const [sale] = salesOf(o.referenceId);
    expect(sale.currency_id).toBe(currencyId('SAR'));
    expect(db().value('sale.order', sale, 'amount_total')).toBe(299);
  });

  it('a backfill: KWD and SAR orders created with their price lists, an AED one without a price list flagged', async () => {
    activate('AED');
    const tag = nextId();
    const products = ['k', 's', 'a'].map((suffix) =>
      plainProduct(`${tag}${suffix}`, `Product ${tag}${suffix}`, `${tag}-SKU-${suffix}`),
    );
    await harness.sendMany(Topic.BackfillProductUpserted, storeId, products);
    await waitFor(
      () =>
        harness
          .activity(storeId)
          .filter((l) => l.entityType === 'product' && String(l.entityId).startsWith(tag)).length >= 3 ||
        null,
      { timeoutMs: 150_000, description: 'products' },
    );
    const withOneLine = (o: SalesOrderUpserted, suffix: string): SalesOrderUpserted => ({
      ...o,
      lines: [{ ...o.lines[0], productId: `${tag}${suffix}`, sku: `${tag}-SKU-${suffix}` }],
    });
    const kwd = kwdOrder(`${tag}k`, `${tag}k`);
    const sar = sarOrder(`${tag}s`, {});
    const aed = sarOrder(`${tag}a`, { currency: 'AED' });
    // One line each, with bound products: plain orders the batch creates itself.
    // KWD: 24.690 + 1.500 + 0.250 − 1.005 + VAT (3.704 + 0.225 + 0.038 − 0.151) = 29.251; SAR: 210 + 31.5.
    const orders = [
      {
        ...withOneLine(kwd, 'k'),
        totals: { ...kwd.totals, subtotal: '24.690', tax: '3.816', total: '29.251' },
      },
      { ...withOneLine(sar, 's'), totals: { ...sar.totals, subtotal: '200', tax: '31.5', total: '241.5' } },
      withOneLine(aed, 'a'),
    ];
    await harness.sendMany(Topic.BackfillOrderUpserted, storeId, orders);
    await waitFor(() => orders.every((o) => linesOf(o.orderId).length > 0) || null, {
      timeoutMs: 150_000,
      description: 'order lines',
    });
    expect(linesOf(orders[0].orderId)[0]).toMatchObject({ outcome: 'ok' });
    expect(linesOf(orders[1].orderId)[0]).toMatchObject({ outcome: 'ok' });
    expect(linesOf(orders[2].orderId)[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'order.currency_unsupported',
    });
    const [kwdSale] = salesOf(orders[0].referenceId);
    expect(kwdSale.currency_id).toBe(currencyId('KWD'));
    expect(db().value('sale.order', kwdSale, 'amount_total')).toBe(29.251);
    const [sarSale] = salesOf(orders[1].referenceId);
    expect(sarSale.currency_id).toBe(currencyId('SAR'));
    expect(db().value('sale.order', sarSale, 'amount_total')).toBe(241.5);
    expect(salesOf(orders[2].referenceId)).toHaveLength(0);
  });
});
