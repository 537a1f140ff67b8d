import { deadLetterTopicOf } from '@app/contracts';
import {
  EventPublisher,
  ensureTopics,
  newEnvelope,
  PermanentError,
  type ReliableConsumer,
  type ReliableConsumerOptions,
} from '@app/messaging';
import { uniqueName, waitFor } from '@app/testing';

import {
  committedOffsets,
  deferred,
  quietLogger,
  readTopic,
  testConsumers,
  testKafka,
  TEST_TYPE,
  TestPayload,
  testTopicSpecs,
  waitUntilFullyCommitted,
} from './support/kafka-test-kit';

/**
 * keyConcurrency: one partition's messages of different keys side by side, each key still in order, and the
 * committed offset never past a message that is not durable (real Kafka, one partition so every key shares
 * it).
 */
describe('ReliableConsumer with keyConcurrency (real Kafka)', () => {
  const kafka = testKafka('key-concurrency');
  const publisher = new EventPublisher(kafka);
  const consumers = testConsumers({ kafka, publisher, service: 'key-concurrency-test' });

  afterAll(async () => {
    await consumers.stopAll();
    await publisher.close();
  });

  async function onePartitionTopic(): Promise<string> {
    const topic = uniqueName('keyconc');
    await ensureTopics(kafka, testTopicSpecs(topic, 1), { logger: quietLogger });
    return topic;
  }

  /** A consumer of `topic` with `keyConcurrency` (plus `options`), handling the test payload with `handler`. */
  function consumerOf(
    groupId: string,
    topic: string,
    options: Partial<ReliableConsumerOptions> & { keyConcurrency: number },
    handler: (payload: TestPayload) => Promise<void> | void,
  ): ReliableConsumer {
    return consumers
      .create(groupId, options)
      .handle(topic, TestPayload, (event) => handler(event.payload), { expectedType: TEST_TYPE });
  }

  async function publishKeys(topic: string, keys: string[]): Promise<void> {
    for (const key of keys) {
      await publisher.publish(topic, newEnvelope(TEST_TYPE, key, { name: key, seq: 0 }), { key });
    }
  }

  async function publishInterleaved(topic: string, keys: string[], perKey: number): Promise<void> {
    for (let seq = 0; seq < perKey; seq += 1) {
      for (const key of keys) {
        await publisher.publish(topic, newEnvelope(TEST_TYPE, key, { name: key, seq }), { key });
      }
    }
  }

  it('handles a key in publish order, never two of one key at once, different keys side by side up to the limit', async () => {
    const topic = await onePartitionTopic();
    const keys = Array.from({ length: 6 }, (_, i) => `order-${i}`);
    await publishInterleaved(topic, keys, 20);

    const handled = new Map<string, number[]>();
    const inFlightKeys = new Set<string>();
    let sameKeyOverlap = false;
    let maxInFlight = 0;
    let inFlight = 0;
    const groupId = uniqueName('keyconc-order');
    consumerOf(groupId, topic, { keyConcurrency: 4 }, async ({ name: key, seq }) => {
      if (inFlightKeys.has(key)) sameKeyOverlap = true;
      inFlightKeys.add(key);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      handled.set(key, [...(handled.get(key) ?? []), seq]);
      inFlight--;
      inFlightKeys.delete(key);
    }).start();

    await waitFor(() => [...handled.values()].reduce((n, l) => n + l.length, 0) >= 120, {
      timeoutMs: 30_000,
      description: 'all 120 messages handled',
    });
    await waitUntilFullyCommitted(kafka, groupId, topic);
    const inOrder = Array.from({ length: 20 }, (_, i) => i);
    for (const key of keys) expect(handled.get(key)).toEqual(inOrder);
    expect(sameKeyOverlap).toBe(false);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });

  it('a stuck key does not hold up the others, and the commit waits for it', async () => {
    const topic = await onePartitionTopic();
    // Offsets 0..3: slow-store, then three other stores; then more of the others.
    await publishKeys(topic, [
      'slow-store',
      'store-a',
      'store-b',
      'store-c',
      'store-a',
      'store-b',
      'store-c',
    ]);
    const release = deferred();
    const handled: string[] = [];
    const groupId = uniqueName('keyconc-stuck');
    consumerOf(groupId, topic, { keyConcurrency: 4 }, async ({ name }) => {
      if (name === 'slow-store') await release.promise;
      handled.push(name);
    }).start();

    await waitFor(() => handled.length >= 6, { timeoutMs: 20_000, description: 'the six other messages' });
    expect(handled).not.toContain('slow-store');
    // Nothing past the stuck first message is committed: a crash now would redeliver, not lose, it.
    await new Promise((r) => setTimeout(r, 500));
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(-1n);

    release.resolve();
    await waitUntilFullyCommitted(kafka, groupId, topic);
    expect(handled.filter((k) => k === 'slow-store')).toHaveLength(1);
  });

  it('stopping with a key in progress commits only up to it; a restarted consumer redelivers the rest, nothing lost', async () => {
    const topic = await onePartitionTopic();
    await publishKeys(topic, ['k1', 'k2', 'k3', 'k4', 'k5']);
    const groupId = uniqueName('keyconc-stop');
    const release = deferred();
    const firstRun: string[] = [];
    const first = consumerOf(groupId, topic, { keyConcurrency: 5 }, async ({ name }) => {
      if (name === 'k2') await release.promise;
      firstRun.push(name);
    });
    first.start();
    await waitFor(() => firstRun.length >= 4, { timeoutMs: 20_000, description: 'all but k2 handled' });

    const stopping = first.stop();
    await new Promise((r) => setTimeout(r, 300));
    release.resolve(); // stop() waits for the message in progress, as on a sequential partition
    await stopping;
    expect([...firstRun].sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    // Everything was durable by the time stop() returned: all five committed.
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(5n);

    // Now a run that is stopped while k2 is still stuck: k1 committed, k2..k5 redelivered to the next run.
    const topic2 = await onePartitionTopic();
    await publishKeys(topic2, ['k1', 'k2', 'k3', 'k4', 'k5']);
    const groupId2 = uniqueName('keyconc-stop2');
    const stuck = consumerOf(
      groupId2,
      topic2,
      { keyConcurrency: 5, shutdownTimeoutMs: 500 },
      async ({ name }) => {
        if (name === 'k2') await new Promise<void>(() => undefined); // never finishes
      },
    );
    stuck.start();
    await new Promise((r) => setTimeout(r, 1_500));
    await stuck.stop(); // gives up on k2 after 500 ms
    expect((await committedOffsets(kafka, groupId2, topic2)).get(0)).toBe(1n);

    const secondRun: string[] = [];
    consumerOf(groupId2, topic2, { keyConcurrency: 5 }, ({ name }) => {
      secondRun.push(name);
    }).start();
    await waitUntilFullyCommitted(kafka, groupId2, topic2, 30_000);
    expect([...secondRun].sort()).toEqual(['k2', 'k3', 'k4', 'k5']);
  });

  it('a permanently failing message is dead-lettered while the other keys go on; all committed', async () => {
    const topic = await onePartitionTopic();
    await publishKeys(topic, ['bad', 'good-1', 'good-2']);
    const handled: string[] = [];
    const groupId = uniqueName('keyconc-dlt');
    consumerOf(groupId, topic, { keyConcurrency: 3 }, ({ name }) => {
      if (name === 'bad') throw new PermanentError('this one cannot be applied');
      handled.push(name);
    }).start();
    await waitUntilFullyCommitted(kafka, groupId, topic, 30_000);
    expect([...handled].sort()).toEqual(['good-1', 'good-2']);
    const [dead] = await readTopic(kafka, deadLetterTopicOf(topic), 1);
    expect(dead.key).toBe('bad');
  });
});
