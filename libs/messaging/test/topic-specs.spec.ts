import 'reflect-metadata';

import { deadLetterTopicOf, Topic, TOPIC_SPECS, topicSpecsFor } from '@app/contracts';

describe('declared topic specs', () => {
  it('every Topic has a spec and a dead-letter spec, and nothing else is declared', () => {
    const names = TOPIC_SPECS.map((s) => s.topic);
    for (const topic of Object.values(Topic)) {
      expect(names).toContain(topic);
      expect(names).toContain(deadLetterTopicOf(topic));
    }
    expect(names).toHaveLength(Object.values(Topic).length * 2);
    expect(new Set(names).size).toBe(names.length);
  });

  it('entity topics have 6 partitions, lifecycle/privacy/ops 3; all delete, never compact', () => {
    const spec = (t: string) => TOPIC_SPECS.find((s) => s.topic === t)!;
    expect(spec(Topic.SalesOrderUpserted).numPartitions).toBe(6);
    expect(spec(Topic.CatalogProductUpserted).numPartitions).toBe(6);
    expect(spec(Topic.StoreInstalled).numPartitions).toBe(3);
    expect(spec(Topic.PrivacyErasureRequested).numPartitions).toBe(3);
    expect(spec(Topic.OpsSyncResult).numPartitions).toBe(3);
    for (const s of TOPIC_SPECS) {
      expect(s.cleanupPolicy).toBe('delete');
      expect(s.retentionMs).toBeGreaterThan(0);
    }
  });

  it('dead-letter topics keep messages longer than their source and use 1–3 partitions', () => {
    for (const s of TOPIC_SPECS.filter((x) => x.kind === 'dead-letter')) {
      const source = TOPIC_SPECS.find((x) => x.topic === s.deadLetterOf)!;
      expect(s.topic).toBe(deadLetterTopicOf(source.topic));
      expect(s.retentionMs).toBeGreaterThanOrEqual(14 * 24 * 3600 * 1000);
      expect(s.retentionMs).toBeGreaterThan(source.retentionMs);
      expect(s.numPartitions).toBeGreaterThanOrEqual(1);
      expect(s.numPartitions).toBeLessThanOrEqual(3);
    }
  });

  it('topicSpecsFor returns the topics with their DLTs, and rejects an undeclared name', () => {
    expect(topicSpecsFor([Topic.SalesOrderUpserted]).map((s) => s.topic)).toEqual([
      Topic.SalesOrderUpserted,
      deadLetterTopicOf(Topic.SalesOrderUpserted),
    ]);
    expect(topicSpecsFor([deadLetterTopicOf(Topic.StoreInstalled)]).map((s) => s.topic)).toEqual([
      deadLetterTopicOf(Topic.StoreInstalled),
    ]);
    expect(() => topicSpecsFor(['sales.order.upserted.v9'])).toThrow(
      /no topic spec for: sales.order.upserted.v9/,
    );
  });
});
