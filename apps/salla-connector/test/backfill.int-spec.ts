import { Topic } from '@app/contracts';
import { type ServiceProcess, waitFor } from '@app/testing';

import { type ConnectorHarness, startConnectorHarness, uniqueStoreId } from './support/connector-harness';
import { fixtureData } from './translation/translation-test-kit';

const PRODUCTS = 10_000;
const PLUS_LIMIT_PER_MINUTE = 120;

/**
 * A Plus store with 10,000 products: the backfill stays inside Salla's rate limit, survives the connector being
 * killed half-way (it resumes from its checkpoint), and never holds up the store's live webhooks.
 */
describe('salla-connector: a 10,000-product backfill on the Plus plan', () => {
  let h: ConnectorHarness;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    h = await startConnectorHarness({ outOfProcess: true });
  });
  afterAll(async () => {
    for (const p of procs) await p.kill();
    await h?.stop();
  });

  const productsDone = (storeId: string): number =>
    Math.max(
      0,
      ...h.log
        .of(Topic.OpsBackfillProgress, storeId)
        .filter((e) => e.payload.resource === 'products')
        .map((e) => Number(e.payload.done)),
    );

  it('completes after a SIGKILL half-way, inside the rate limit, while live webhooks pass within seconds', async () => {
    const storeId = uniqueStoreId();
    procs.push(await h.spawn());
    await h.install(storeId, 'plus');
    h.sim.seedCategories(storeId, 12);
    const products = h.sim.seedProducts(storeId, PRODUCTS);
    const started = Date.now();
    await h.send(Topic.BackfillRequested, storeId, {
      runId: 'plus-10k',
      resources: ['categories', 'products'],
      requestedBy: 'test',
    });

    await waitFor(async () => Promise.resolve(productsDone(storeId) >= 1_200 || null), {
      timeoutMs: 120_000,
      description: 'backfill under way',
    });

    // Live traffic while the backfill runs: an order (carries everything) and a price change (needs an API read
    // that must overtake the backfill's queued requests).
    const order = { ...fixtureData('order.created.json'), id: 900_000_001 };
    const orderSent = Date.now();
    await h.webhook(storeId, 'order.created', order);
    const priceSent = Date.now();
    await h.webhook(storeId, 'product.price.updated', { id: products[PRODUCTS - 1].id });
    await h.log.waitFor(Topic.SalesOrderUpserted, storeId, 1, 30_000);
    await h.log.waitFor(Topic.CatalogProductUpserted, storeId, 1, 30_000);
    const orderDelayMs = h.log.arrivedAt(Topic.SalesOrderUpserted, storeId, () => true)! - orderSent;
    const priceDelayMs = h.log.arrivedAt(Topic.CatalogProductUpserted, storeId, () => true)! - priceSent;
    const backfilledWhenLiveArrived = productsDone(storeId);

    // A crash half-way: no shutdown hooks, the lease is not released, the run is left "running".
    await procs[0].kill();
    const doneAtKill = productsDone(storeId);
    expect(doneAtKill).toBeLessThan(PRODUCTS);
    procs.push(await h.spawn());

    await waitFor(
      async () =>
        Promise.resolve(
          h.log
            .of(Topic.OpsBackfillProgress, storeId)
            .some((e) => e.payload.resource === 'products' && e.payload.state === 'completed') || null,
        ),
      { timeoutMs: 300_000, intervalMs: 500, description: 'backfill completed after the restart' },
    );
    const emitted = new Set(h.log.of(Topic.BackfillProductUpserted, storeId).map((e) => e.payload.productId));
    expect(emitted.size).toBe(PRODUCTS);
    expect(h.log.of(Topic.BackfillCategoryUpserted, storeId).length).toBeGreaterThanOrEqual(12);

    // Salla's limit held the whole time, across the crash and the restart.
    const maxPerMinute = h.sim.maxRequestsInWindow(storeId, 60_000);
    expect(h.sim.rateLimitRejections(storeId)).toBe(0);
    expect(maxPerMinute).toBeLessThanOrEqual(PLUS_LIMIT_PER_MINUTE);
    // Nothing was re-read after the crash beyond the page in flight: the checkpoint did its job.
    const pageReads = h.sim
      .callsFor(storeId)
      .filter((c) => c.route === '/products' && c.status === 200).length;
    expect(pageReads).toBeLessThanOrEqual(Math.ceil(PRODUCTS / 60) + 2);

    // Live webhooks are not queued behind the backfill (reported, not timed: see BENCHMARKS.md for speed).
    expect(h.log.of(Topic.SalesOrderUpserted, storeId)).toHaveLength(1);
    process.stdout.write(
      `${JSON.stringify({
        report: 'plus-10k-backfill',
        orderDelayMs,
        priceUpdateDelayMs: priceDelayMs,
        backfilledWhenLiveArrived,
        doneAtKill,
        maxRequestsInAnyMinute: maxPerMinute,
        rateLimitRejections: h.sim.rateLimitRejections(storeId),
        productPageReads: pageReads,
        wallMs: Date.now() - started,
      })}\n`,
    );
  }, 480_000);
});
