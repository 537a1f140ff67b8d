import { setTimeout as sleep } from 'node:timers/promises';

import mongoose from 'mongoose';

import { Topic } from '@app/contracts';
import { CryptoService, MasterKey, registerKeyringModel, StoreKeyShreddedError } from '@app/crypto';
import { MongoConnection } from '@app/persistence';
import { integrationEnv, PrivateInfra, waitFor } from '@app/testing';

import { uninstallRequestId } from '../../apps/privacy-service/src/erasures/erasure-events.handler';
import { PRIVACY_TOKEN, ServiceStack } from '../e2e-observe/service-stack';
import { OdooWarehouse } from './odoo-warehouse';
import { TopicTap } from './topic-tap';

/**
 * Issue 9: a store's whole life with us, as a merchant meets it — the four services as processes on real Kafka
 * and Mongo, the Salla simulator and a fake Odoo (19 style). Install in easy mode, Odoo settings, backfill of the
 * catalogue and past orders, new orders by webhook, stock counted in Odoo reaching Salla, a delivery in Odoo
 * reaching the Salla order's status, and uninstall erasing the store everywhere. Everything is asserted at the
 * fakes (what Salla and Odoo end up holding) and in the databases.
 */
jest.setTimeout(1_500_000);

const PRODUCTS = Number(process.env.E2E_PRODUCTS ?? 500);
const PAST_ORDERS = Number(process.env.E2E_PAST_ORDERS ?? 200);
const NEW_ORDERS = Number(process.env.E2E_NEW_ORDERS ?? 100);
const DAY_MS = 24 * 3600 * 1000;

describe('a store from install to uninstall, every service a real process', () => {
  let stack: ServiceStack;
  let tap: TopicTap;
  let storeId: string | undefined;
  let conn: mongoose.Connection;
  let infra: PrivateInfra | undefined;
  let restoreEnv = (): void => undefined;

  beforeAll(async () => {
    // Servers of this run's own: on a shared broker other suites' consumers read this store's topics too (and
    // dead-letter what they cannot decrypt), which one real deployment never sees.
    infra = await PrivateInfra.start();
    restoreEnv = infra.useInThisProcess();
    await infra.createTopics();
    stack = await ServiceStack.start({
      privacy: true,
      // The highest plan: the backfill's pace is Salla's rate limit, and this test is about correctness.
      plan: 'special',
      envOf: { 'odoo-connector': { ODOO_STOCK_POLL_INTERVAL_MS: '1000' } },
      startupMs: 240_000,
    });
    tap = await TopicTap.start([Topic.SallaWebhookReceived, Topic.StoreUninstalled], () => storeId);
    conn = await mongoose.createConnection(integrationEnv().mongoUri).asPromise();
  }, 600_000);

  afterAll(async () => {
    await tap?.stop();
    await stack?.stop();
    await conn?.close();
    await infra?.stop();
    restoreEnv();
  });

  it('installs, backfills, syncs orders both ways and stock back, then erases everything on uninstall', async () => {
    const { sim, odoo } = stack;
    const warehouse = new OdooWarehouse(odoo);
    let skus: string[] = [];
    let pastRefs = new Set<string>();

    // 1. Install in easy mode (app.installed + app.store.authorize webhooks), then the Odoo settings.
    storeId = await stack.installConnectedStore((id) => {
      skus = sim.seedProducts(id, PRODUCTS).map((p) => p.sku);
      sim.seedShippingCompanies(id);
      sim.seedPaymentMethods(id);
      pastRefs = new Set(
        sim
          .seedOrders(id, PAST_ORDERS, { from: new Date(Date.now() - 10 * DAY_MS) })
          .map((o) => String(o.reference_id)),
      );
    });
    const store = storeId;
    await stack.waitForSyncReady(store);

    // 2. The backfill brings the whole catalogue and the past orders into Odoo, each once.
    const productsInOdoo = (): Set<string> =>
      new Set(odoo.records('product.product').map((p) => String(p.default_code)));
    await waitFor(() => skus.every((sku) => productsInOdoo().has(sku)), {
      timeoutMs: 600_000,
      intervalMs: 1000,
      description: `${PRODUCTS} products in Odoo`,
    }).catch(failWith(() => `${productsInOdoo().size} of ${PRODUCTS} products`));
    await waitForOrders(pastRefs, 'past orders (backfill)');
    const templatesPerSku = countBy(odoo.records('product.product'), (p) => String(p.default_code));
    expect(skus.filter((sku) => templatesPerSku.get(sku) !== 1)).toEqual([]);

    // 3. New orders arrive by webhook, as the merchant's customers buy.
    // The first is the one the warehouse ships in step 5: placed "in progress", as an order waiting to be shipped
    // is (the simulator's random status could make it cancelled — nothing to ship — or already delivered).
    const newOrders = Array.from({ length: NEW_ORDERS }, (_, i) =>
      sim.addOrder(store, i === 0 ? { status: 'in_progress' } : {}),
    );
    for (const order of newOrders) {
      await stack.poster.post(store, 'order.created', order);
    }
    const newRefs = new Set(newOrders.map((o) => String(o.reference_id)));
    await waitForOrders(newRefs, 'new orders (webhooks)');
    for (const order of newOrders.slice(0, 10)) {
      const [saleOrder] = stack.saleOrdersFor(new Set([String(order.reference_id)]));
      const lines = odoo
        .records('sale.order.line')
        .filter((l) => l.order_id === saleOrder.id && l.product_id);
      const productLines = lines.filter((l) => skus.includes(skuOf(l.product_id as number)));
      expect(productLines.map((l) => l.product_uom_qty).sort()).toEqual(
        order.items.map((i) => i.quantity).sort(),
      );
    }

    // 4. The warehouse counts a product in Odoo: Salla's stock follows.
    const counted = skus[7];
    await warehouse.setOnHand(counted, 37);
    await waitFor(() => sim.quantityOf(store, { sku: counted }) === 37, {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: `Salla stock of ${counted} = 37`,
    }).catch(failWith(() => `Salla has ${sim.quantityOf(store, { sku: counted })}`));

    // 5. An order is delivered in Odoo: its Salla status follows.
    const delivered = newOrders[0];
    expect(sim.orderStatus(store, delivered.id)).toBe('in_progress');
    const [deliveredSaleOrder] = stack.saleOrdersFor(new Set([String(delivered.reference_id)]));
    await warehouse.deliver(deliveredSaleOrder.id as number);
    await waitFor(() => sim.orderStatus(store, delivered.id) === 'delivered', {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: `Salla order ${delivered.id} delivered`,
    }).catch(failWith(() => `Salla status ${sim.orderStatus(store, delivered.id)}`));

    // Nothing was duplicated along the way.
    const allRefs = new Set([...pastRefs, ...newRefs]);
    const perRef = countBy(stack.saleOrdersFor(allRefs), (o) => String(o.client_order_ref));
    expect([...perRef].filter(([, n]) => n !== 1)).toEqual([]);
    expect(perRef.size).toBe(allRefs.size);

    // 6. Uninstall: Salla revokes the tokens and sends app.uninstalled; the store is erased everywhere.
    const sealedBefore = tap.of(Topic.SallaWebhookReceived)[0]?.envelope;
    expect(sealedBefore).toBeDefined();
    sim.uninstall(store);
    await stack.poster.post(store, 'app.uninstalled', { id: 1, app_name: 'Salla ⇄ Odoo sync' });
    const uninstalled = await waitFor(() => tap.of(Topic.StoreUninstalled)[0]?.envelope, {
      timeoutMs: 60_000,
      description: 'store.uninstalled',
    });
    const t0 = Date.now();
    const erasure = await waitFor(
      async () => {
        const res = await fetch(
          `${stack.urlOf('privacy-service')}/privacy/v1/erasures/${uninstallRequestId(uninstalled.id)}`,
          { headers: { authorization: `Bearer ${PRIVACY_TOKEN}` } },
        );
        const body = res.ok ? ((await res.json()) as { status: string; receipt?: unknown }) : null;
        return body && (body.status === 'completed' || body.status === 'failed') ? body : null;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: 'erasure receipt' },
    );
    process.stdout.write(`e2e: uninstall webhook → erasure receipt ${Date.now() - t0} ms after the event\n`);
    expect(erasure.status).toBe('completed');

    // Give in-flight consumers a moment: anything written late would show in the scan below.
    await sleep(2000);
    const left: string[] = [];
    for (const app of ['gateway', 'salla-connector', 'odoo-connector', 'privacy-service'] as const) {
      const db = conn.useDb(stack.databaseOf(app), { useCache: true }).db!;
      for (const { name } of await db.listCollections().toArray()) {
        const n = await db.collection(name).countDocuments({ storeId: store });
        if (n > 0) left.push(`${app}/${name}:${n}`);
      }
    }
    expect(left).toEqual(['privacy-service/privacy_erasure_requests:1']);

    // A copy of the topic taken before the uninstall no longer opens: the store's key is shredded.
    const mongo = new MongoConnection({
      uri: integrationEnv().mongoUri,
      dbName: stack.databaseOf('keyring'),
    });
    mongo.start();
    try {
      await mongo.whenReady(20_000);
      const crypto = new CryptoService(registerKeyringModel(mongo), MasterKey.fromBase64(stack.masterKey));
      const data = (sealedBefore.payload as { data: Parameters<CryptoService['decrypt']>[1] }).data;
      await expect(crypto.decrypt(store, data)).rejects.toBeInstanceOf(StoreKeyShreddedError);
    } finally {
      await mongo.close();
    }
  });

  async function waitForOrders(refs: Set<string>, what: string): Promise<void> {
    const present = (): number =>
      new Set(stack.saleOrdersFor(refs).map((o) => String(o.client_order_ref))).size;
    await waitFor(() => present() === refs.size, {
      timeoutMs: 600_000,
      intervalMs: 1000,
      description: `${refs.size} ${what} in Odoo`,
    }).catch(failWith(() => `${present()} of ${refs.size} ${what}`));
  }

  function skuOf(productId: number): string {
    return String(stack.odoo.records('product.product').find((p) => p.id === productId)?.default_code);
  }

  function failWith(state: () => string): (err: unknown) => never {
    return (err: unknown) => {
      throw new Error(
        `${String(err)}: ${state()}\nfake Odoo calls: ${JSON.stringify(stack.odoo.counters())}\n${stack.diagnostics()}`,
      );
    };
  }
});

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
