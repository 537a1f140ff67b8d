import { Kafka, logLevel } from 'kafkajs';

import type { RunningService } from '@app/bootstrap';
import { messageKeyOf, type ProductUpserted, Topic } from '@app/contracts';
import { type FakeOdoo, startFakeOdoo } from '@app/fake-odoo';
import { EventPublisher, newEnvelope } from '@app/messaging';
import { integrationEnv, uniqueName, waitFor } from '@app/testing';

import { OdooSyncHarness, uniqueStoreId } from '../../../odoo-connector/test/sync/odoo-sync-harness';
import { callerFor, type Caller } from './admin-harness';
import { bootAdminGatewayAtTopicEnds } from './replay-support/topic-ends';

const KEY = 'fake-odoo-admin-key';
/** Upper bound only (2 shared cores, a shared broker); every wait ends as soon as its condition holds. */
const WAIT = { timeoutMs: 150_000, intervalMs: 250 };
const ODOO_REASON = 'The unit of measure "Bag" is archived.';

type Json = Record<string, unknown>;

/**
 * The support story end to end: Odoo refuses a product (a ValidationError: permanent), the odoo-connector
 * parks it on the dead-letter topic, the admin API lists it with Odoo's reason; the cause is fixed in Odoo,
 * ops replays it, and the product is created exactly once — a second replay is refused, and the same message
 * delivered again updates the product instead of creating another.
 */
describe('admin API: replaying a dead letter after the cause is fixed in Odoo', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  let fake: FakeOdoo;
  let odoo: OdooSyncHarness;
  let gateway: RunningService;
  let publisher: EventPublisher;
  let call: Caller;

  beforeAll(async () => {
    fake = await startFakeOdoo({ style: '16' });
    odoo = await OdooSyncHarness.start();
    gateway = await bootAdminGatewayAtTopicEnds(kafkaBrokers, mongoUri);
    call = callerFor(gateway.url);
    publisher = new EventPublisher(
      new Kafka({ clientId: uniqueName('replay-odoo'), brokers: kafkaBrokers, logLevel: logLevel.NOTHING }),
    );
  }, 240_000);

  afterAll(async () => {
    await publisher?.close();
    await gateway?.stop();
    await odoo?.stop();
    await fake?.close();
  });

  /** Templates carrying the SKU (default_code lives on the single variant: read it as Odoo computes it). */
  const templatesWithSku = (sku: string): Json[] => {
    const db = fake.database();
    const ids = db.search('product.template', [['default_code', '=', sku]], { ctx: { active_test: false } });
    return db.read('product.template', ids, [
      'name',
      'list_price',
      'default_code',
      'detailed_type',
      'active',
    ]);
  };

  const activity = async (storeId: string, productId: string): Promise<Json[]> => {
    const res = await call('GET', `/stores/${storeId}/activity?entityType=product&entityId=${productId}`, {
      role: 'ops',
    });
    expect(res.status).toBe(200);
    // Only this test's connector can reach this fake Odoo: other suites' connectors on the shared broker
    // may log "skipped" lines for the store, never an applied or refused one.
    return (res.body.items as Json[]).filter(
      (l) => l.service === 'odoo-connector' && l.outcome !== 'skipped',
    );
  };

  it('a product Odoo refused is dead-lettered with the reason, replayed after the fix, and exists once', async () => {
    const storeId = uniqueStoreId();
    await odoo.configure(storeId, fake.url, KEY);
    await waitFor(() => odoo.of(Topic.StoreSyncReady, storeId)[0] ?? null, {
      ...WAIT,
      description: 'sync-ready',
    });

    const sku = `SKU-${storeId}`;
    const productId = `p-${storeId}`;
    const product: ProductUpserted = {
      source: 'salla',
      productId,
      name: 'Arabic coffee 250 g',
      sku,
      kind: 'physical',
      tracksInventory: true,
      isActive: true,
      currency: 'SAR',
      price: '45.00',
      categoryIds: [],
      options: [],
      variants: [],
    };
    // One envelope, published again later unchanged: the same message redelivered.
    const envelope = newEnvelope(Topic.CatalogProductUpserted, storeId, product);
    const key = messageKeyOf(Topic.CatalogProductUpserted, storeId, product);
    fake.validationErrorOn('product.template', 'create', ODOO_REASON);
    await publisher.publish(Topic.CatalogProductUpserted, envelope, { key });

    // Ops sees the dead letter with Odoo's own words, no traceback; the merchant's activity says why.
    const letter = await waitFor(
      async () => {
        const res = await call(
          'GET',
          `/dead-letters?storeId=${storeId}&topic=${Topic.CatalogProductUpserted}`,
          {
            role: 'ops',
          },
        );
        return (
          (res.body.items as Json[] | undefined)?.find((l) => String(l.reason).includes(ODOO_REASON)) ?? null
        );
      },
      { ...WAIT, description: 'dead letter listed by the admin API' },
    );
    expect(letter).toMatchObject({
      storeId,
      sourceTopic: Topic.CatalogProductUpserted,
      service: 'odoo-connector',
      state: 'parked',
      replayable: true,
      attempts: 1,
    });
    expect(String(letter.reason)).not.toMatch(/Traceback|\.py"/);
    const refused = await waitFor(async () => (await activity(storeId, productId))[0] ?? null, {
      ...WAIT,
      description: 'refusal in the activity log',
    });
    expect(refused).toMatchObject({
      outcome: 'failed',
      errorCode: 'odoo.validation',
      eventId: expect.any(String),
    });
    expect(String(refused.message)).toContain(ODOO_REASON);
    expect(templatesWithSku(sku)).toHaveLength(0);

    // The merchant un-archives the unit of measure in Odoo; ops replays.
    fake.clearFaults();
    const replayed = await call('POST', `/dead-letters/${String(letter.id)}/replay`, { role: 'ops' });
    expect(replayed).toMatchObject({ status: 200, body: { state: 'replayed' } });
    await waitFor(() => templatesWithSku(sku).length > 0 || null, {
      ...WAIT,
      description: 'product created after the replay',
    });
    expect(templatesWithSku(sku)).toEqual([
      expect.objectContaining({
        name: 'Arabic coffee 250 g',
        list_price: 45,
        default_code: sku,
        detailed_type: 'product', // storable in Odoo 16
        active: true,
      }),
    ]);

    // A second replay is refused (409), and "replay all" of the store finds nothing left to replay.
    expect((await call('POST', `/dead-letters/${String(letter.id)}/replay`, { role: 'ops' })).status).toBe(
      409,
    );
    const all = await call('POST', '/dead-letters/replay', {
      role: 'ops',
      body: { storeId, topic: Topic.CatalogProductUpserted },
    });
    expect(all).toMatchObject({ status: 200, body: { replayed: 0 } });
    const listed = await call(
      'GET',
      `/dead-letters?storeId=${storeId}&topic=${Topic.CatalogProductUpserted}`,
      {
        role: 'ops',
      },
    );
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: letter.id,
        state: 'replayed',
        replayable: false,
        stateChangedBy: 'ops:ops-key',
      }),
    ]);

    // The same message delivered once more (a redelivery): applied as an update, nothing created twice.
    await publisher.publish(Topic.CatalogProductUpserted, envelope, { key });
    const lines = await waitFor(
      async () => {
        const found = await activity(storeId, productId);
        return found.filter((l) => l.outcome === 'ok').length >= 2 ? found : null;
      },
      { ...WAIT, description: 'the redelivered message applied' },
    );
    const ok = lines.filter((l) => l.outcome === 'ok');
    expect(ok.filter((l) => /created in Odoo/.test(String(l.message)))).toHaveLength(1);
    expect(ok.filter((l) => /updated in Odoo/.test(String(l.message)))).toHaveLength(ok.length - 1);
    expect(lines.filter((l) => l.outcome === 'failed')).toHaveLength(1);

    // Downstream in Odoo: one template, one variant, one binding of each kind, one successful create.
    expect(templatesWithSku(sku)).toHaveLength(1);
    expect(fake.records('product.product').filter((p) => p.default_code === sku)).toHaveLength(1);
    const bindings = fake.records('ir.model.data').filter((r) => String(r.name).includes(`_${storeId}_`));
    expect(bindings.map((b) => String(b.name).split('_')[0]).sort()).toEqual(['product', 'sku']);
    expect(new Set(bindings.map((b) => b.res_id))).toEqual(new Set([templatesWithSku(sku)[0].id]));
    expect(
      fake.calls.filter((c) => c.model === 'product.template' && c.method === 'create' && c.outcome === 'ok'),
    ).toHaveLength(1);
  }, 480_000);
});
