import { deadLetterTopicOf } from '@app/contracts';
import { EventPublisher, ensureTopics, newEnvelope, type BatchItem } from '@app/messaging';
import { uniqueName, waitFor } from '@app/testing';

import {
  committedOffsets,
  quietLogger,
  readTopic,
  testConsumers,
  testKafka,
  TEST_TYPE,
  TestPayload,
  testTopicSpecs,
  waitUntilFullyCommitted,
} from './support/kafka-test-kit';

type Item = BatchItem<TestPayload>;

describe('ReliableConsumer.handleBatch: many messages per call, committed after the call (real Kafka)', () => {
  const kafka = testKafka('batch');
  const publisher = new EventPublisher(kafka);
  const consumers = testConsumers({ kafka, publisher, service: 'batch-test' });

  afterAll(async () => {
    await consumers.stopAll();
    await publisher.close();
  });

  async function topicWith(count: number, key = 'store-1'): Promise<string> {
    const topic = uniqueName('batch');
    await ensureTopics(kafka, testTopicSpecs(topic, 1), { logger: quietLogger });
    await publisher.publishMany(
      topic,
      Array.from({ length: count }, (_, seq) => ({
        envelope: newEnvelope(TEST_TYPE, key, { name: 'x', seq }),
        key,
      })),
    );
    return topic;
  }

  it('a backlog arrives in calls of up to maxBatchSize, in offset order, each message once', async () => {
    const topic = await topicWith(250);
    const groupId = uniqueName('batch-group');
    const calls: number[][] = [];
    consumers
      .create(groupId)
      .handleBatch(
        topic,
        TestPayload,
        (items: readonly Item[]) => {
          calls.push(items.map((i) => i.event.payload.seq));
        },
        { expectedType: TEST_TYPE, maxBatchSize: 100 },
      )
      .start();
    await waitFor(() => calls.flat().length >= 250, { timeoutMs: 30_000, description: 'all handled' });
    await waitUntilFullyCommitted(kafka, groupId, topic);

    expect(calls.flat()).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(Math.max(...calls.map((c) => c.length))).toBe(100);
    expect(calls.every((c) => c.length <= 100)).toBe(true);
  });

  it('a throwing batch is retried one message at a time; the poison one is dead-lettered, the rest handled', async () => {
    const topic = await topicWith(20);
    const groupId = uniqueName('batch-group');
    const handled: number[] = [];
    let batchCalls = 0;
    consumers
      .create(groupId, { maxAttempts: 2 })
      .handleBatch(
        topic,
        TestPayload,
        (items: readonly Item[]) => {
          if (items.some((i) => i.event.payload.seq === 7)) {
            if (items.length > 1) batchCalls += 1;
            throw new Error('seq 7 cannot be applied');
          }
          handled.push(...items.map((i) => i.event.payload.seq));
        },
        { expectedType: TEST_TYPE, maxBatchSize: 50 },
      )
      .start();
    await waitUntilFullyCommitted(kafka, groupId, topic, 30_000);

    expect(batchCalls).toBeGreaterThanOrEqual(1);
    expect(handled.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i).filter((s) => s !== 7),
    );
    const dead = await readTopic(kafka, deadLetterTopicOf(topic), 1);
    expect(JSON.parse(dead[0].value!.toString()).payload.seq).toBe(7);
  });

  it('nothing is committed while the batch call is still running', async () => {
    const topic = await topicWith(10);
    const groupId = uniqueName('batch-group');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    consumers
      .create(groupId)
      .handleBatch(
        topic,
        TestPayload,
        async () => {
          started = true;
          await gate;
        },
        { expectedType: TEST_TYPE },
      )
      .start();
    await waitFor(() => started, { timeoutMs: 30_000, description: 'batch started' });
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(-1n);
    release();
    await waitUntilFullyCommitted(kafka, groupId, topic);
  });
});
