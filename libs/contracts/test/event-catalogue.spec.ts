import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  ALL_TOPICS,
  BACKFILL_TWIN_OF,
  EVENT_CATALOGUE,
  messageKeyOf,
  payloadClassOf,
  SalesOrderUpserted,
  Topic,
  validateEvent,
} from '../src';
import { envelope, STORE_ID, VALID_EXAMPLES } from './examples';

const TOPIC_NAME = /^[a-z-]+\.[a-z-]+\.[a-z-]+\.v\d+$/;

describe('event catalogue', () => {
  it('describes every topic, and nothing else', () => {
    expect(Object.keys(EVENT_CATALOGUE).sort()).toEqual([...ALL_TOPICS].sort());
  });

  // The README's catalogue is what people read to find a topic: a topic missing there is a topic nobody knows.
  it('the README catalogue lists every topic (backfill twins under their wildcard row)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const twins = new Set<string>(Object.values(BACKFILL_TWIN_OF));
    const unlisted = ALL_TOPICS.filter((t) => !twins.has(t) && !readme.includes(`| \`${t}\``));
    expect(unlisted).toEqual([]);
    expect(readme).toContain('| `backfill.*.upserted.v1`');
  });

  it.each(ALL_TOPICS)('%s has a payload class, a keying rule and a description', (topic) => {
    const entry = EVENT_CATALOGUE[topic];
    expect(typeof entry.payload).toBe('function');
    expect(new entry.payload()).toBeInstanceOf(entry.payload);
    expect(['store', 'entity']).toContain(entry.key);
    expect(entry.description.length).toBeGreaterThan(10);
    if (entry.key === 'entity') expect(entry).toHaveProperty('entityId');
  });

  it.each(ALL_TOPICS)('%s is named <domain>.<entity>.<event>.v<N>, as the envelope requires', (topic) => {
    expect(topic).toMatch(TOPIC_NAME);
  });

  it('uses a distinct payload class per topic, so a message cannot validate against the wrong one by accident', () => {
    const twins = new Set<string>(Object.values(BACKFILL_TWIN_OF));
    const classes = ALL_TOPICS.filter((t) => !twins.has(t)).map((t) => EVENT_CATALOGUE[t].payload);
    expect(new Set(classes).size).toBe(classes.length);
  });

  it('gives each backfill topic exactly the payload of its live twin, keyed by entity — categories by store', () => {
    for (const [live, twin] of Object.entries(BACKFILL_TWIN_OF)) {
      expect(EVENT_CATALOGUE[twin].payload).toBe(
        EVENT_CATALOGUE[live as keyof typeof BACKFILL_TWIN_OF].payload,
      );
      // A store's category tree is one ordered batch (parents before children, one create per level).
      expect(EVENT_CATALOGUE[twin].key).toBe(twin === Topic.BackfillCategoryUpserted ? 'store' : 'entity');
    }
  });

  it('hands out the payload class to validate with', async () => {
    expect(payloadClassOf(Topic.SalesOrderUpserted)).toBe(SalesOrderUpserted);
    const raw = envelope(Topic.SalesOrderUpserted, VALID_EXAMPLES[Topic.SalesOrderUpserted]);
    const result = await validateEvent(
      raw,
      payloadClassOf(Topic.SalesOrderUpserted),
      Topic.SalesOrderUpserted,
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.event.payload).toBeInstanceOf(SalesOrderUpserted);
  });

  describe('message keys', () => {
    it('keys store-wide events by the store alone', () => {
      expect(messageKeyOf(Topic.StoreAuthorized, STORE_ID, VALID_EXAMPLES[Topic.StoreAuthorized])).toBe(
        STORE_ID,
      );
      expect(messageKeyOf(Topic.OpsSyncResult, STORE_ID, VALID_EXAMPLES[Topic.OpsSyncResult])).toBe(STORE_ID);
    });

    it('keys an order by store and order, so all changes of one order stay in order', () => {
      expect(messageKeyOf(Topic.SalesOrderUpserted, STORE_ID, VALID_EXAMPLES[Topic.SalesOrderUpserted])).toBe(
        `${STORE_ID}:2116149737`,
      );
      expect(
        messageKeyOf(Topic.SalesOrderCancelled, STORE_ID, VALID_EXAMPLES[Topic.SalesOrderCancelled]),
      ).toBe(`${STORE_ID}:2116149737`);
    });

    it('keys stock by the most specific id given', () => {
      const key = (p: { sku?: string; productId?: string; variantId?: string }): string =>
        messageKeyOf(Topic.InventoryLevelChanged, STORE_ID, { source: 'salla', quantity: 1, ...p });
      expect(key({ sku: 'A', productId: '1', variantId: '2' })).toBe(`${STORE_ID}:2`);
      expect(key({ sku: 'A', productId: '1' })).toBe(`${STORE_ID}:1`);
      expect(key({ sku: 'A' })).toBe(`${STORE_ID}:A`);
      expect(() => key({})).toThrow(/no id/);
      expect(messageKeyOf(Topic.InventoryLevelSet, STORE_ID, VALID_EXAMPLES[Topic.InventoryLevelSet])).toBe(
        `${STORE_ID}:sku:TS-M`,
      );
    });

    it.each(ALL_TOPICS)('%s: the example yields a key that starts with the store', (topic) => {
      const key = messageKeyOf(topic, STORE_ID, VALID_EXAMPLES[topic]);
      expect(key === STORE_ID || key.startsWith(`${STORE_ID}:`)).toBe(true);
      expect(key === STORE_ID).toBe(EVENT_CATALOGUE[topic].key === 'store');
    });
  });
});
