import { Topic } from '@app/contracts';
import { newEnvelope } from '@app/messaging';
import { waitFor } from '@app/testing';

import { type ConnectorHarness, startConnectorHarness, uniqueStoreId } from './support/connector-harness';
import { fixtureData } from './translation/translation-test-kit';

/**
 * The Salla connector as a merchant's store meets it: installed in easy mode, webhooks become canonical events,
 * partial webhooks are completed from the API, and after uninstall Salla never hears from us for that store.
 */
describe('salla-connector: webhooks to canonical events', () => {
  let h: ConnectorHarness;

  beforeAll(async () => {
    h = await startConnectorHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('an easy-mode install keeps the tokens sealed, reads the store info and announces the store', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId, 'pro');
    const [installed] = await h.log.waitFor(Topic.StoreInstalled, storeId);
    expect(installed.origin).toMatchObject({ kind: 'webhook', sallaEvent: 'app.installed' });
    expect(installed.origin?.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    const [profile] = await h.log.waitFor(Topic.StoreProfileUpdated, storeId);
    expect(profile.payload).toMatchObject({ plan: 'pro', currency: 'SAR' });
    expect(h.sim.callsFor(storeId).some((c) => c.route === '/store/info' && c.status === 200)).toBe(true);
  });

  it('an order webhook becomes one canonical order that names its Salla event and body hash', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId);
    const order = fixtureData('order.created.json');
    await h.webhook(storeId, 'order.created', order);
    const [upserted] = await h.log.waitFor(Topic.SalesOrderUpserted, storeId);
    expect(upserted.payload).toMatchObject({ source: 'salla', orderId: String(order.id) });
    expect(upserted.origin).toMatchObject({ kind: 'webhook', sallaEvent: 'order.created' });
  });

  it('a price change re-reads the whole product from the API before emitting it', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId);
    const [product] = h.sim.seedProducts(storeId, 1, { variantsPerProduct: 2 });
    const before = h.sim.callsFor(storeId).filter((c) => c.route === '/products/:id').length;
    await h.webhook(storeId, 'product.price.updated', {
      id: product.id,
      price: { amount: 99, currency: 'SAR' },
    });
    const [upserted] = await h.log.waitFor(Topic.CatalogProductUpserted, storeId);
    expect(upserted.payload).toMatchObject({ productId: String(product.id) });
    expect((upserted.payload.variants as unknown[]).length).toBe(2);
    expect(h.sim.callsFor(storeId).filter((c) => c.route === '/products/:id').length).toBe(before + 1);
  });

  it('1,000 stock sets for 100 SKUs reach Salla as a few bulk calls, and the last value of each SKU wins', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId);
    const products = h.sim.seedProducts(storeId, 100);
    const finalQuantity = (i: number): number => 1000 + i;
    const commands = [];
    for (let round = 0; round < 10; round++) {
      for (const [i, p] of products.entries()) {
        commands.push({
          envelope: newEnvelope(Topic.InventoryLevelSet, storeId, {
            identifierType: 'sku' as const,
            identifier: String(p.sku),
            quantity: round === 9 ? finalQuantity(i) : round * 7 + i,
            mode: 'overwrite' as const,
          }),
          key: `${storeId}:sku:${String(p.sku)}`,
        });
      }
    }
    await h.publisher.publishMany(Topic.InventoryLevelSet, commands);

    await waitFor(
      async () =>
        Promise.resolve(
          products.every((p, i) => h.sim.quantityOf(storeId, { sku: String(p.sku) }) === finalQuantity(i)) ||
            null,
        ),
      { timeoutMs: 180_000, intervalMs: 250, description: 'every SKU at its last value in Salla' },
    );
    const bulkCalls = h.sim.callsFor(storeId).filter((c) => c.route === '/products/quantities/bulk');
    expect(bulkCalls.length).toBeGreaterThanOrEqual(1);
    expect(bulkCalls.length).toBeLessThanOrEqual(10);
    expect(bulkCalls.every((c) => c.status === 201)).toBe(true);
    // Each success is in the activity log, per item.
    await waitFor(
      async () =>
        Promise.resolve(
          h.log.of(Topic.OpsSyncResult, storeId).filter((e) => e.payload.entityType === 'inventory').length >=
            100 || null,
        ),
      { timeoutMs: 30_000, description: 'stock activity lines' },
    );
    process.stdout.write(
      `${JSON.stringify({ report: 'stock-coalescing', commands: 1000, skus: 100, bulkCalls: bulkCalls.length })}\n`,
    );
  });

  it("a store whose stock Salla keeps refusing neither holds up another store's stock nor is retried every pass", async () => {
    const failing = uniqueStoreId();
    const healthy = uniqueStoreId();
    await h.install(failing);
    await h.install(healthy);
    // The app lost the products scope for this store: every call answers 403 (not Salla's abuse block).
    h.sim.failNext(failing, { status: 403, count: 100_000 });
    const bulk = (storeId: string) =>
      h.sim.callsFor(storeId).filter((c) => c.route === '/products/quantities/bulk');
    // More items than one pass used to read (1,000, oldest first): they filled every pass.
    const stale = Array.from({ length: 1_200 }, (_, i) => ({
      envelope: newEnvelope(Topic.InventoryLevelSet, failing, {
        identifierType: 'sku' as const,
        identifier: `GONE-${i}`,
        quantity: i,
        mode: 'overwrite' as const,
      }),
      key: `${failing}:sku:GONE-${i}`,
    }));
    await h.publisher.publishMany(Topic.InventoryLevelSet, stale);
    await waitFor(async () => Promise.resolve(bulk(failing).length > 0 || null), {
      timeoutMs: 60_000,
      description: "the failing store's first push",
    });
    const firstTry = Date.now();

    const [product] = h.sim.seedProducts(healthy, 1);
    await h.send(Topic.InventoryLevelSet, healthy, {
      identifierType: 'sku',
      identifier: String(product.sku),
      quantity: 42,
      mode: 'overwrite',
    });
    await waitFor(
      async () => Promise.resolve(h.sim.quantityOf(healthy, { sku: String(product.sku) }) === 42 || null),
      {
        timeoutMs: 60_000,
        description: "the healthy store's stock in Salla",
      },
    );
    // A pass runs every second; the failing store waits 2.5–5 s, then 5–10 s... between its tries.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstTry + 10_000 - Date.now())));
    expect(bulk(failing).length).toBeLessThanOrEqual(4);
  });

  it('stock for a store that must authorize the app again is kept, and reaches Salla once it is authorized', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId);
    const [product] = h.sim.seedProducts(storeId, 1);
    const sku = String(product.sku);
    // Salla revoked the store's tokens (as when the merchant's grant is withdrawn): refreshing is refused too.
    h.sim.revokeTokens(storeId);
    await h.send(Topic.InventoryLevelSet, storeId, {
      identifierType: 'sku',
      identifier: sku,
      quantity: 17,
      mode: 'overwrite',
    });
    const line = await waitFor(
      async () =>
        Promise.resolve(
          h.log
            .of(Topic.OpsSyncResult, storeId)
            .find(
              (e) =>
                e.payload.entityId === `sku:${sku}` && e.payload.errorCode === 'salla.store_not_callable',
            ) ?? null,
        ),
      { timeoutMs: 60_000, description: 'the stock line saying Salla cannot be called' },
    );
    expect(String(line.payload.message)).toContain('kept and sent once it can');
    expect(h.sim.quantityOf(storeId, { sku })).not.toBe(17);

    // The merchant authorizes the app again: new tokens.
    await h.authorize(storeId, '2026-11-29T08:00:00.000Z');
    await waitFor(async () => Promise.resolve(h.sim.quantityOf(storeId, { sku }) === 17 || null), {
      timeoutMs: 120_000,
      description: 'the kept stock level in Salla',
    });
  });

  it('a backfill Salla refuses (the app lost a permission) ends saying why instead of asking again every second', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId);
    h.sim.seedCategories(storeId, 3);
    h.sim.failNext(storeId, { status: 403, count: 100_000 });
    await h.send(Topic.BackfillRequested, storeId, {
      runId: 'refused',
      resources: ['categories'],
      requestedBy: 'test',
    });
    const refused = await waitFor(
      async () =>
        Promise.resolve(
          h.log
            .of(Topic.OpsSyncResult, storeId)
            .find((e) => e.payload.errorCode === 'salla.backfill_refused') ?? null,
        ),
      { timeoutMs: 60_000, description: 'the backfill refused line' },
    );
    expect(refused.payload).toMatchObject({ outcome: 'failed' });
    expect(String(refused.payload.message)).toContain('start the backfill again');
    const calls = h.sim.callsFor(storeId).length;
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // four of the worker's polls
    expect(h.sim.callsFor(storeId).length).toBe(calls);
  });

  it('an order status command moves the Salla order and says so in the activity log; a refused one dead-letters with the reason', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId);
    h.sim.seedProducts(storeId, 3);
    const [order] = h.sim.seedOrders(storeId, 1);
    await h.send(Topic.SalesOrderStatusSet, storeId, {
      orderId: String(order.id),
      slug: 'delivered',
      note: 'Delivered (Odoo WH/OUT/00042)',
    });
    await waitFor(async () => Promise.resolve(h.sim.orderStatus(storeId, order.id) === 'delivered' || null), {
      timeoutMs: 30_000,
      description: 'order delivered in Salla',
    });
    await h.send(Topic.SalesOrderStatusSet, storeId, { orderId: String(order.id), slug: 'no-such-status' });
    const lines = await waitFor(
      async () => {
        const found = h.log.of(Topic.OpsSyncResult, storeId).filter((e) => e.payload.entityType === 'order');
        return Promise.resolve(found.length >= 2 ? found : null);
      },
      { timeoutMs: 30_000, description: 'two order activity lines' },
    );
    expect(lines.map((l) => l.payload.outcome)).toEqual(['ok', 'failed']);
    expect(String(lines[1].payload.message)).toMatch(/refused/);
    expect(h.sim.orderStatus(storeId, order.id)).toBe('delivered');
  });

  it('a store whose Odoo is connected gets a full backfill of every resource onto the backfill topics', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId, 'pro');
    h.sim.seedCategories(storeId, 5);
    h.sim.seedProducts(storeId, 30, { variantsPerProduct: 2 });
    h.sim.seedShippingCompanies(storeId, 3);
    h.sim.seedPaymentMethods(storeId, 3);
    h.sim.seedOrders(storeId, 20);
    await h.send(Topic.StoreSyncReady, storeId, {
      odooVersion: '17.0',
      connectedAt: new Date().toISOString(),
    });

    await waitFor(
      async () =>
        Promise.resolve(
          h.log
            .of(Topic.OpsBackfillProgress, storeId)
            .filter((e) => e.payload.state === 'completed')
            .map((e) => e.payload.resource)
            .sort()
            .join(',') === 'categories,orders,payment_methods,products,shipping_companies' || null,
        ),
      { timeoutMs: 120_000, intervalMs: 250, description: 'every resource backfilled' },
    );
    expect(h.log.of(Topic.BackfillCategoryUpserted, storeId).length).toBeGreaterThanOrEqual(5);
    expect(
      new Set(h.log.of(Topic.BackfillProductUpserted, storeId).map((e) => e.payload.productId)).size,
    ).toBe(30);
    expect(h.log.of(Topic.BackfillProductUpserted, storeId)[0].payload.variants).toHaveLength(2);
    expect(
      new Set(h.log.of(Topic.BackfillShippingMethodUpserted, storeId).map((e) => e.payload.methodId)).size,
    ).toBe(3);
    expect(
      new Set(h.log.of(Topic.BackfillPaymentMethodUpserted, storeId).map((e) => e.payload.methodId)).size,
    ).toBe(3);
    expect(new Set(h.log.of(Topic.BackfillOrderUpserted, storeId).map((e) => e.payload.orderId)).size).toBe(
      20,
    );
    expect(h.log.of(Topic.BackfillOrderUpserted, storeId)[0].origin).toMatchObject({ kind: 'backfill' });
    // The live topics carry none of it.
    expect(h.log.of(Topic.CatalogProductUpserted, storeId)).toEqual([]);
    expect(h.log.of(Topic.SalesOrderUpserted, storeId)).toEqual([]);

    // The same sync-ready again (settings saved twice) does not start a second run.
    await h.send(Topic.StoreSyncReady, storeId, {
      odooVersion: '17.0',
      connectedAt: new Date().toISOString(),
      skipBackfillIfDone: true,
    });
    await new Promise((r) => setTimeout(r, 2000));
    const runs = new Set(h.log.of(Topic.OpsBackfillProgress, storeId).map((e) => e.payload.runId));
    expect(runs.size).toBe(1);
  });

  it('an uninstalled store is never called again, whatever arrives for it', async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId);
    const [product] = h.sim.seedProducts(storeId, 1);
    await h.webhook(storeId, 'app.uninstalled', {
      id: 1234,
      app_name: 'Odoo sync',
      uninstallation_date: '2026-11-29 10:05:00',
    });
    await h.log.waitFor(Topic.StoreUninstalled, storeId);
    const callsAtUninstall = h.sim.callsFor(storeId).length;

    // Everything that would call Salla: a partial webhook, a stock command, an order status, a backfill.
    await h.webhook(storeId, 'product.price.updated', { id: product.id });
    await h.send(Topic.InventoryLevelSet, storeId, {
      identifierType: 'sku',
      identifier: String(product.sku),
      quantity: 5,
      mode: 'overwrite',
    });
    await h.send(Topic.SalesOrderStatusSet, storeId, { orderId: '123', slug: 'delivered' });
    await h.send(Topic.BackfillRequested, storeId, { runId: 'after-uninstall' });
    // Each of them leaves a trace in the activity log (skipped) or is dropped before any call; give them time.
    await waitFor(async () => Promise.resolve(h.log.of(Topic.OpsSyncResult, storeId).length >= 3 || null), {
      timeoutMs: 30_000,
      description: 'the uninstalled store’s commands handled',
    });
    await new Promise((r) => setTimeout(r, 3000)); // longer than the stock flusher's coalescing window
    expect(h.sim.callsFor(storeId).length).toBe(callsAtUninstall);
    expect(h.log.of(Topic.CatalogProductUpserted, storeId)).toEqual([]);
  });

  it("Salla's late retry of an uninstall older than the reinstall is ignored, and so are tokens older than the uninstall", async () => {
    const storeId = uniqueStoreId();
    await h.install(storeId); // Salla's events of 07:00
    const at = (hhmm: string) => `2026-11-29T${hhmm}:00.000Z`;
    const authorize = (issuedAt: string) => h.authorize(storeId, issuedAt);
    const uninstall = (createdAt: string) =>
      h.webhook(
        storeId,
        'app.uninstalled',
        { id: 1234, uninstallation_date: '2026-11-29 10:05:00' },
        createdAt,
      );
    const skippedLines = () =>
      h.log
        .of(Topic.OpsSyncResult, storeId)
        .filter((e) => e.payload.outcome === 'skipped' && e.payload.entityType === 'store');

    // The 07:05 uninstall failed to reach us; the merchant reinstalled at 07:10; Salla retries the uninstall.
    const profiles = h.log.of(Topic.StoreProfileUpdated, storeId).length;
    await authorize(at('07:10'));
    await h.log.waitFor(Topic.StoreProfileUpdated, storeId, profiles + 1);
    await uninstall(at('07:05'));
    await waitFor(async () => Promise.resolve(skippedLines()[0] ?? null), {
      timeoutMs: 30_000,
      description: 'the late uninstall skipped',
    });
    expect(String(skippedLines()[0].payload.message)).toContain('came after the app was installed again');
    expect(h.log.of(Topic.StoreUninstalled, storeId)).toEqual([]);
    // Still installed: its orders still become canonical orders.
    await h.webhook(storeId, 'order.created', fixtureData('order.created.json'));
    await h.log.waitFor(Topic.SalesOrderUpserted, storeId);

    // Uninstalled at 07:20; a 07:15 authorize retried after it does not revive the store with its tokens.
    await uninstall(at('07:20'));
    await h.log.waitFor(Topic.StoreUninstalled, storeId);
    await authorize(at('07:15'));
    await waitFor(async () => Promise.resolve(skippedLines()[1] ?? null), {
      timeoutMs: 30_000,
      description: 'the late authorize skipped',
    });
    expect(String(skippedLines()[1].payload.message)).toContain('came after the app was uninstalled');
    const calls = h.sim.callsFor(storeId).length;
    const lines = h.log.of(Topic.OpsSyncResult, storeId).length;
    await h.send(Topic.SalesOrderStatusSet, storeId, { orderId: '123', slug: 'delivered' });
    await h.log.waitFor(Topic.OpsSyncResult, storeId, lines + 1);
    expect(h.sim.callsFor(storeId).length).toBe(calls); // uninstalled: Salla is never called for it
  });
});
