import { Topic } from '@app/contracts';
import {
  countStock,
  deliveriesOf,
  type FakeDatabase,
  type FakeOdoo,
  type FakeOdooStyle,
  startFakeOdoo,
  validateDelivery,
} from '@app/fake-odoo';
import { waitFor } from '@app/testing';

import { uniqueStoreId } from '../sync/odoo-sync-harness';
import { StockSyncHarness } from './stock-sync-harness';

jest.setTimeout(240_000);

const KEY = 'fake-odoo-admin-key';
const MODULE = 'salla_sync';

/** A storable product in the fake, bound to `storeId` the way the Salla → Odoo sync binds one (or unbound). */
function product(db: FakeDatabase, style: FakeOdooStyle, sku: string, storeId?: string): number {
  const storable = style === '19' ? { type: 'consu', is_storable: true } : { type: 'product' };
  const [templateId] = db.create('product.template', [
    { name: `Product ${sku}`, default_code: sku, ...storable },
  ]);
  if (storeId) {
    db.create('ir.model.data', [
      { module: MODULE, name: `product_${storeId}_${sku}`, model: 'product.template', res_id: templateId },
    ]);
  }
  return db.rows('product.product').find((p) => p.product_tmpl_id === templateId)!.id;
}

/** A confirmed sale order for one unit of `productId`, bound to a Salla order of `storeId` (or the merchant's own). */
function confirmedOrder(
  db: FakeDatabase,
  productId: number,
  binding?: { storeId: string; sallaId: string },
): number {
  const [partnerId] = db.create('res.partner', [{ name: 'Sara Ali' }]);
  const [orderId] = db.create('sale.order', [
    { partner_id: partnerId, order_line: [[0, 0, { product_id: productId, product_uom_qty: 1 }]] },
  ]);
  if (binding) {
    db.create('ir.model.data', [
      {
        module: MODULE,
        name: `order_${binding.storeId}_${binding.sallaId}`,
        model: 'sale.order',
        res_id: orderId,
      },
    ]);
  }
  db.spec('sale.order').methods!.action_confirm.run(db, 'sale.order', [orderId], {}, {});
  return orderId;
}

describe.each(['16', '19'] as const)('Odoo → Salla stock and delivery status, %s-style Odoo', (style) => {
  let harness: StockSyncHarness;
  let fake: FakeOdoo;
  let db: FakeDatabase;
  let storeId: string;
  let otherStoreId: string;
  const ids: Record<string, number> = {};
  const sku = (name: string) => `${storeId}-${name}`;

  const levels = () =>
    harness
      .payloads(Topic.InventoryLevelSet, storeId)
      .map((p) => ({ sku: p.identifier, quantity: p.quantity }));
  const levelsOf = (name: string) =>
    harness.seen.filter(
      (s) => s.topic === String(Topic.InventoryLevelSet) && s.envelope.payload.identifier === sku(name),
    );
  const statuses = () => harness.payloads(Topic.SalesOrderStatusSet, storeId);
  const forget = () => harness.seen.splice(0, harness.seen.length);

  beforeAll(async () => {
    fake = await startFakeOdoo({ style });
    db = fake.database();
    storeId = uniqueStoreId();
    otherStoreId = uniqueStoreId();
    ids.A = product(db, style, sku('A'), storeId);
    ids.B = product(db, style, sku('B'), storeId);
    ids.C = product(db, style, sku('C'), otherStoreId);
    ids.D = product(db, style, sku('D'));
    countStock(db, ids.A, 5);
    countStock(db, ids.B, 7);
    countStock(db, ids.C, 3);
    countStock(db, ids.D, 4);
    harness = await StockSyncHarness.start();
    await harness.connect(storeId, fake.url, KEY);
  });

  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  it("the first poll sends Odoo's stock of the store's own products, nothing for another store's or unbound ones", async () => {
    const outcome = await harness.poll(storeId);
    await harness.settle();
    expect(outcome.status).toBe('ok');
    const expected = [
      { sku: sku('A'), quantity: 5 },
      { sku: sku('B'), quantity: 7 },
    ];
    expect(levels().sort((a, b) => String(a.sku).localeCompare(String(b.sku)))).toEqual(expected);
    expect(harness.payloads(Topic.InventoryLevelSet, storeId)[0]).toMatchObject({
      identifierType: 'sku',
      mode: 'overwrite',
    });
    expect([...levelsOf('C'), ...levelsOf('D')]).toEqual([]);
  });

  it('a quantity counted in Odoo sends exactly one level for that SKU, and nothing for unchanged SKUs', async () => {
    forget();
    countStock(db, ids.A, 9);
    countStock(db, ids.C, 30);
    countStock(db, ids.D, 40);
    await harness.poll(storeId);
    await harness.settle();
    expect(levels()).toEqual([{ sku: sku('A'), quantity: 9 }]);
    expect([...levelsOf('C'), ...levelsOf('D')]).toEqual([]);
  });

  it('a second poll without change in Odoo sends nothing (the boundary second is read again, not resent)', async () => {
    forget();
    const reads = fake.count('stock.quant', 'search_read');
    const outcome = await harness.poll(storeId);
    await harness.settle();
    expect(fake.count('stock.quant', 'search_read')).toBeGreaterThan(reads);
    expect(outcome).toMatchObject({ status: 'ok', stockLevels: [] });
    expect(levels()).toEqual([]);
  });

  it('a quantity Salla reported is not sent back when Odoo arrives at the same figure', async () => {
    forget();
    await harness.send(Topic.InventoryLevelChanged, storeId, {
      source: 'salla',
      productId: '9001',
      sku: sku('B'),
      quantity: 11,
      observedAt: new Date().toISOString(),
    });
    await waitFor(async () => (await harness.ledger().quantities(storeId, [sku('B')])).get(sku('B')) === 11, {
      timeoutMs: 60_000,
      description: "Salla's level in the ledger",
    });
    countStock(db, ids.B, 11);
    await harness.poll(storeId);
    await harness.settle();
    expect(levels()).toEqual([]);

    countStock(db, ids.B, 12);
    await harness.poll(storeId);
    await harness.settle();
    expect(levels()).toEqual([{ sku: sku('B'), quantity: 12 }]);
  });

  it('a restarted instance resumes from the stored cursor and sends nothing again', async () => {
    await harness.restart();
    forget();
    await harness.poll(storeId);
    await harness.settle();
    expect(levels()).toEqual([]);

    countStock(db, ids.A, 4);
    await harness.poll(storeId);
    await harness.settle();
    expect(levels()).toEqual([{ sku: sku('A'), quantity: 4 }]);
  });

  it('stock Odoo committed late (stamped before the last poll) is still sent; stock already handled is not sent again', async () => {
    // Another quant written a second later moves the cursor past A's second (that second is always read again).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    countStock(db, ids.C, 31);
    await harness.poll(storeId);
    await harness.settle();
    forget();
    // Salla sold one A since; Odoo has not heard of the order yet (its quant of A, handled already, is recent).
    await harness.send(Topic.InventoryLevelChanged, storeId, {
      source: 'salla',
      productId: '9002',
      sku: sku('A'),
      quantity: 3,
      observedAt: new Date().toISOString(),
    });
    await waitFor(async () => (await harness.ledger().quantities(storeId, [sku('A')])).get(sku('A')) === 3, {
      timeoutMs: 60_000,
      description: "Salla's level of A in the ledger",
    });
    // A long Odoo transaction (a big validation) stamped B's quant 40 s ago and committed only after that poll.
    countStock(db, ids.B, 15);
    const stamped = new Date(Date.now() - 40_000).toISOString().slice(0, 19).replace('T', ' ');
    for (const quant of db.rows('stock.quant').filter((q) => q.product_id === ids.B))
      db.get('stock.quant', quant.id)!.write_date = stamped;
    await harness.poll(storeId);
    await harness.settle();
    expect(levels()).toEqual([{ sku: sku('B'), quantity: 15 }]);

    // Another late transaction of the same second writes B's quant again: same write_date and id, new figure.
    forget();
    countStock(db, ids.B, 16);
    for (const quant of db.rows('stock.quant').filter((q) => q.product_id === ids.B))
      db.get('stock.quant', quant.id)!.write_date = stamped;
    await harness.poll(storeId);
    await harness.settle();
    expect(levels()).toEqual([{ sku: sku('B'), quantity: 16 }]);

    // The same for a delivery validated in a transaction that committed after a poll had moved on.
    const lateId = `77${Date.now() % 1_000_000}`; // a retried attempt binds another order
    const late = confirmedOrder(db, ids.A, { storeId, sallaId: lateId });
    const merchantsOwn = confirmedOrder(db, ids.A);
    validateDelivery(db, deliveriesOf(db, merchantsOwn)[0].id);
    await harness.poll(storeId);
    await harness.settle();
    forget();
    const [delivery] = deliveriesOf(db, late);
    validateDelivery(db, delivery.id);
    db.get('stock.picking', delivery.id)!.write_date = stamped;
    await harness.poll(storeId);
    await harness.settle();
    expect(statuses()).toEqual([expect.objectContaining({ orderId: lateId, slug: 'delivered' })]);
  });

  it("a delivery validated in Odoo sets the Salla order's status to delivered, once", async () => {
    const fromSalla = confirmedOrder(db, ids.A, { storeId, sallaId: '7700123' });
    const merchantsOwn = confirmedOrder(db, ids.A);
    const otherStores = confirmedOrder(db, ids.C, { storeId: otherStoreId, sallaId: '7700999' });
    await harness.poll(storeId); // the reservations change the sellable stock; not what this test looks at
    forget();

    for (const order of [fromSalla, merchantsOwn, otherStores])
      validateDelivery(db, deliveriesOf(db, order)[0].id);
    const outcome = await harness.poll(storeId);
    await harness.settle();
    expect(outcome).toMatchObject({
      status: 'ok',
      orderStatuses: [{ orderId: '7700123', slug: 'delivered' }],
    });
    expect(statuses()).toEqual([expect.objectContaining({ orderId: '7700123', slug: 'delivered' })]);
    expect(
      harness.seen.filter(
        (s) => s.topic === String(Topic.SalesOrderStatusSet) && s.envelope.payload.orderId === '7700999',
      ),
    ).toEqual([]);

    forget();
    await harness.poll(storeId);
    await harness.restart();
    await harness.poll(storeId);
    await harness.settle();
    expect(statuses()).toEqual([]);
  });

  it('an order shipped in part, whose backorder is then cancelled, is delivered once the backorder is cancelled', async () => {
    const order = confirmedOrder(db, ids.B, { storeId, sallaId: '7700456' });
    const [first] = deliveriesOf(db, order);
    // What Odoo's "Create Backorder" leaves: a second delivery for the rest of the order.
    const backorder = db.createOne(
      'stock.picking',
      {
        name: `${String(first.name)}-BO`,
        picking_type_id: first.picking_type_id,
        state: 'assigned',
        sale_id: order,
        origin: first.origin,
        partner_id: first.partner_id,
        location_id: first.location_id,
        location_dest_id: first.location_dest_id,
      },
      { __system: true },
    );
    await harness.poll(storeId);
    forget();

    validateDelivery(db, first.id);
    await harness.poll(storeId);
    await harness.settle();
    expect(statuses()).toEqual([]); // the backorder is still to ship

    // Days later in real life, other deliveries are validated meanwhile (a second later at least here: the poll
    // reads its last second again) and the poll moves past the first one.
    const later = () => new Promise((resolve) => setTimeout(resolve, 1_100));
    await later();
    validateDelivery(db, deliveriesOf(db, confirmedOrder(db, ids.B))[0].id);
    await harness.poll(storeId);
    await later();
    db.spec('stock.picking').methods!.action_cancel.run(db, 'stock.picking', [backorder], {}, {});
    const outcome = await harness.poll(storeId);
    await harness.settle();
    expect(outcome).toMatchObject({ orderStatuses: [{ orderId: '7700456', slug: 'delivered' }] });
    expect(statuses()).toEqual([expect.objectContaining({ orderId: '7700456', slug: 'delivered' })]);
  });

  it("the merchant's stock location (app setting) is the one mirrored; one that is not in Odoo pauses, saying so", async () => {
    const shopStore = uniqueStoreId();
    const wrongStore = uniqueStoreId();
    const warehouseView = db.rows('stock.location').find((l) => l.complete_name === 'WH')!.id;
    const [shop] = db.create('stock.location', [
      { name: 'Shop', complete_name: 'WH/Shop', usage: 'internal', location_id: warehouseView },
    ]);
    const shopSku = `${shopStore}-E`;
    const e = product(db, style, shopSku, shopStore);
    countStock(db, e, 6); // main stock: not this store's location
    countStock(db, e, 2, shop);
    await harness.connect(shopStore, fake.url, KEY, String(shop));
    expect(await harness.poll(shopStore)).toMatchObject({ status: 'ok' });
    await harness.connect(wrongStore, fake.url, KEY, '999999');
    expect(await harness.poll(wrongStore)).toMatchObject({
      status: 'failed',
      errorCode: 'odoo.stock_location_missing',
    });
    await harness.settle();
    expect(
      harness.payloads(Topic.InventoryLevelSet, shopStore).map((p) => [p.identifier, p.quantity]),
    ).toEqual([[shopSku, 2]]);
    const [line] = harness
      .payloads(Topic.OpsSyncResult, wrongStore)
      .filter((l) => l.direction === 'odoo_to_salla');
    expect(String(line.message)).toContain('the stock location 999999 set in the app settings');
  });

  it('a store moved to another Odoo starts over there: stock counted there before the move is mirrored too', async () => {
    const movingStore = uniqueStoreId();
    const movingSku = `${movingStore}-M`;
    countStock(db, product(db, style, movingSku, movingStore), 1);
    await harness.connect(movingStore, fake.url, KEY);
    expect(await harness.poll(movingStore)).toMatchObject({ status: 'ok' });
    // The merchant's real Odoo: the same product, its stock counted long before the first Odoo last changed.
    const real = await startFakeOdoo({ style });
    try {
      const realDb = real.database();
      countStock(realDb, product(realDb, style, movingSku, movingStore), 12);
      for (const quant of realDb.rows('stock.quant'))
        realDb.get('stock.quant', quant.id)!.write_date = '2020-01-01 00:00:00';
      await harness.connect(movingStore, real.url, KEY);
      expect(await harness.poll(movingStore)).toMatchObject({ status: 'ok' });
      await harness.settle();
      expect(
        harness.payloads(Topic.InventoryLevelSet, movingStore).map((p) => [p.identifier, p.quantity]),
      ).toEqual([
        [movingSku, 1],
        [movingSku, 12],
      ]);
    } finally {
      await real.close();
    }
  });

  it('Odoo failing is written to the activity log once, and its recovery once', async () => {
    forget();
    // Three answers: the client tries a read twice more before the poll sees the failure.
    fake.failNext(3, 503);
    expect(await harness.poll(storeId)).toMatchObject({ status: 'failed', errorCode: 'odoo.unreachable' });
    fake.failNext(3, 503);
    expect(await harness.poll(storeId)).toMatchObject({ status: 'failed', errorCode: 'odoo.unreachable' });
    expect(await harness.poll(storeId)).toMatchObject({ status: 'ok' });
    await harness.settle();
    const lines = harness
      .payloads(Topic.OpsSyncResult, storeId)
      .filter((line) => line.service === 'odoo-connector' && line.direction === 'odoo_to_salla');
    expect(lines.map((l) => [l.outcome, l.errorCode ?? null])).toEqual([
      ['failed', 'odoo.unreachable'],
      ['ok', null],
    ]);
    expect(String(lines[0].message)).toMatch(/paused/);
  });
});
