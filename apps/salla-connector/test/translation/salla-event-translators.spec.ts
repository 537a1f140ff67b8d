import { isHandledSallaEvent, SALLA_HANDLED_WEBHOOK_EVENTS, Topic } from '@app/contracts';

import { SALLA_EVENT_TRANSLATORS, type StoreEffect, translate } from '../../src/translation';
import { fixture, fixtureFiles, inputOf, problemsOf, testDeps } from './translation-test-kit';

/**
 * What each official sample webhook must become, written from reading the samples. Some samples reuse another
 * event's `data` (see fixtures/README.md: `order.cancelled` shows an order under review, `product.deleted` the
 * whole product), so these expectations follow the event NAME, never what `data` looks like.
 */
type Expected =
  | { handled: true; topics: Topic[]; effects?: Array<StoreEffect['kind']>; reReads?: number }
  | { handled: false };

const ignored: Expected = { handled: false };
const subscription: Expected = { handled: true, topics: [], effects: ['subscription'] };

const EXPECTED: Record<string, Expected> = {
  'abandoned.cart.json': ignored,
  'abandoned.cart.purchased.json': ignored,
  'abandoned.cart.status.changed.json': ignored,
  'app.installed.json': { handled: true, topics: [Topic.StoreInstalled], effects: ['installed'] },
  'app.settings.updated.json': { handled: true, topics: [Topic.StoreSettingsUpdated] },
  'app.store.authorize.json': { handled: true, topics: [], effects: ['tokens'] },
  'app.subscription.canceled.json': subscription,
  'app.subscription.expired.json': subscription,
  'app.subscription.renewed.json': subscription,
  'app.subscription.started.json': subscription,
  'app.trial.canceled.json': subscription,
  'app.trial.expired.json': subscription,
  'app.trial.started.json': subscription,
  'app.uninstalled.json': { handled: true, topics: [Topic.StoreUninstalled], effects: ['uninstalled'] },
  'app.updated.json': { handled: true, topics: [], effects: ['updated'] },
  'brand.created.json': ignored,
  'category.created.json': { handled: true, topics: [Topic.CatalogCategoryUpserted] },
  'communication.sms.send.json': ignored,
  'coupon.applied.json': ignored,
  'customer.created.json': { handled: true, topics: [Topic.CustomerUpserted] },
  'customer.login.json': ignored,
  'customer.otp.request.json': ignored,
  'customer.updated.json': { handled: true, topics: [Topic.CustomerUpserted] },
  'order.cancelled.json': { handled: true, topics: [Topic.SalesOrderUpserted, Topic.SalesOrderCancelled] },
  'order.created.json': { handled: true, topics: [Topic.SalesOrderUpserted] },
  'order.payment.updated.json': { handled: true, topics: [Topic.SalesOrderUpserted] },
  'order.refunded.json': { handled: true, topics: [Topic.SalesOrderRefunded] },
  'order.shipment.cancelled.json': { handled: true, topics: [Topic.SalesOrderUpserted], reReads: 1 },
  'order.shipment.creating.json': ignored,
  'order.status.updated.json': { handled: true, topics: [Topic.SalesOrderUpserted] },
  'order.updated.json': { handled: true, topics: [Topic.SalesOrderUpserted] },
  'product.brand.updated.json': { handled: true, topics: [Topic.CatalogProductUpserted], reReads: 1 },
  'product.category.updated.json': { handled: true, topics: [Topic.CatalogProductUpserted], reReads: 1 },
  'product.channels.changed.json': ignored,
  'product.created.json': { handled: true, topics: [Topic.CatalogProductUpserted] },
  'product.deleted.json': { handled: true, topics: [Topic.CatalogProductDeleted] },
  'product.image.updated.json': ignored,
  'product.price.updated.json': { handled: true, topics: [Topic.CatalogProductUpserted], reReads: 1 },
  'product.quantity.low.json': { handled: true, topics: [Topic.InventoryLevelChanged] },
  'product.status.updated.json': { handled: true, topics: [Topic.CatalogProductUpserted], reReads: 1 },
  'product.tags.updated.json': { handled: true, topics: [Topic.CatalogProductUpserted], reReads: 1 },
  'review.added.json': ignored,
  'shipment.created.json': { handled: true, topics: [Topic.SalesOrderUpserted], reReads: 1 },
  'shipment.creating.json': ignored,
  'shipping.company.created.json': { handled: true, topics: [Topic.ShippingMethodUpserted] },
  'shipping.company.deleted.json': { handled: true, topics: [Topic.ShippingMethodUpserted] },
  'shipping.zone.created.json': { handled: true, topics: [Topic.ShippingMethodUpserted], reReads: 1 },
  'specialoffer.updated.json': ignored,
  'store.branch.updated.json': ignored,
  'store.owner.changed.json': ignored,
  'storetax.created.json': ignored,
};

describe('Salla webhook → canonical events, over every official sample', () => {
  it('has an expectation for every sample file, and the handled ones are exactly the handled list', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureFiles());
    for (const file of fixtureFiles()) {
      expect({ file, handled: isHandledSallaEvent(fixture(file).body.event) }).toEqual({
        file,
        handled: EXPECTED[file].handled,
      });
    }
  });

  it.each(fixtureFiles().filter((f) => EXPECTED[f]?.handled))(
    '%s yields its canonical topics, each payload valid against the contract',
    async (file) => {
      const expected = EXPECTED[file] as Extract<Expected, { handled: true }>;
      const input = inputOf(file);
      const { deps, reader } = testDeps();

      const result = await translate(input, deps);

      expect(result.skipped).toBeUndefined();
      expect(result.emit.map((e) => e.topic)).toEqual(expected.topics);
      expect(result.effects.map((e) => e.kind)).toEqual(expected.effects ?? []);
      expect(reader.calls).toHaveLength(expected.reReads ?? 0);
      for (const emission of result.emit) {
        expect({ topic: emission.topic, problems: await problemsOf(emission, input.storeId, input) }).toEqual(
          {
            topic: emission.topic,
            problems: [],
          },
        );
      }
    },
  );

  it.each(fixtureFiles().filter((f) => EXPECTED[f]?.handled === false))(
    '%s is not handled: skipped without error, nothing read, nothing emitted',
    async (file) => {
      const { deps, reader } = testDeps();
      const result = await translate(inputOf(file), deps);
      expect(result).toEqual({ emit: [], effects: [], skipped: 'not handled' });
      expect(reader.calls).toHaveLength(0);
    },
  );

  it('an event Salla may add later (app.feedback.created) is skipped, not failed', async () => {
    const { deps } = testDeps();
    const result = await translate(
      { ...inputOf('app.updated.json'), event: 'app.feedback.created', data: { feedback: 'great app' } },
      deps,
    );
    expect(result.skipped).toBe('not handled');
  });

  it('has one translator per handled event and none for anything else', () => {
    expect(Object.keys(SALLA_EVENT_TRANSLATORS).sort()).toEqual([...SALLA_HANDLED_WEBHOOK_EVENTS].sort());
  });
});
