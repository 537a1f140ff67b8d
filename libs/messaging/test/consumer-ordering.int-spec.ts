import {
  EventPublisher,
  ensureTopics,
  newEnvelope,
  ReliableConsumer,
  type MessageMeta,
} from '@app/messaging';
import { currentStoreId } from '@app/observability';
import { uniqueName, waitFor } from '@app/testing';

import {
  committedOffsets,
  deferred,
  quietLogger,
  testKafka,
  testTopicSpecs,
  TEST_TYPE,
  TestPayload,
  testConsumers,
  waitUntilFullyCommitted,
} from './support/kafka-test-kit';

describe('ReliableConsumer: ordering, exactly-once on the happy path, graceful stop (real Kafka)', () => {
  const kafka = testKafka('ordering');
  const publisher = new EventPublisher(kafka);
  const consumers = testConsumers({ kafka, publisher, service: 'ordering-test' });
  const consumer = (groupId: string): ReliableConsumer =>
    consumers.create(groupId, { partitionsConsumedConcurrently: 3 });

  afterAll(async () => {
    await consumers.stopAll();
    await publisher.close();
  });

  it('50 events with one key are each handled once, in publish order, while other keys run alongside', async () => {
    const topic = uniqueName('ordering');
    const groupId = uniqueName('ordering-group');
    await ensureTopics(kafka, testTopicSpecs(topic, 3), { logger: quietLogger });

    const keys = ['store-1', 'store-2', 'store-3', 'store-4'];
    const perKey = 50;
    // Published interleaved across keys; per key the seq must come back 0..49.
    for (let seq = 0; seq < perKey; seq += 1) {
      await Promise.all(
        keys.map((key) => publisher.publish(topic, newEnvelope(TEST_TYPE, key, { name: key, seq }), { key })),
      );
    }

    const handled = new Map<string, number[]>();
    const metas: MessageMeta[] = [];
    let inFlightPerPartition = new Map<number, number>();
    let overlapSeen = false;
    let storeContextWrong = false;
    const c = consumer(groupId).handle(
      topic,
      TestPayload,
      async (event, meta) => {
        const inFlight = (inFlightPerPartition.get(meta.partition) ?? 0) + 1;
        inFlightPerPartition.set(meta.partition, inFlight);
        if (inFlight > 1) overlapSeen = true;
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        // Logs written by the handler carry the store id: the consumer runs it in the event's store context.
        if (currentStoreId() !== event.storeId) storeContextWrong = true;
        handled.set(event.storeId, [...(handled.get(event.storeId) ?? []), event.payload.seq]);
        metas.push(meta);
        inFlightPerPartition.set(meta.partition, (inFlightPerPartition.get(meta.partition) ?? 1) - 1);
      },
      { expectedType: TEST_TYPE },
    );
    c.start();
    await waitFor(() => [...handled.values()].reduce((n, l) => n + l.length, 0) >= keys.length * perKey, {
      timeoutMs: 30_000,
      description: 'all events handled',
    });
    await waitUntilFullyCommitted(kafka, groupId, topic);

    const expected = Array.from({ length: perKey }, (_, i) => i);
    for (const key of keys) expect(handled.get(key)).toEqual(expected);
    expect(overlapSeen).toBe(false);
    expect(storeContextWrong).toBe(false);
    expect(metas.every((m) => m.attempt === 1)).toBe(true);
    // One key lives on one partition.
    const partitionsOfStore1 = new Set(metas.filter((m) => m.key === 'store-1').map((m) => m.partition));
    expect(partitionsOfStore1.size).toBe(1);
    inFlightPerPartition = new Map();
  });

  it('stop() lets the in-flight handler finish, commits it, and does not start the next message', async () => {
    const topic = uniqueName('graceful');
    const groupId = uniqueName('graceful-group');
    await ensureTopics(kafka, testTopicSpecs(topic, 1), { logger: quietLogger });
    for (let seq = 0; seq < 3; seq += 1) {
      await publisher.publish(topic, newEnvelope(TEST_TYPE, 's', { name: 'n', seq }), { key: 's' });
    }

    const release = deferred();
    const started: number[] = [];
    const finished: number[] = [];
    const c = consumer(groupId).handle(
      topic,
      TestPayload,
      async (event) => {
        started.push(event.payload.seq);
        if (event.payload.seq === 1) await release.promise;
        finished.push(event.payload.seq);
      },
      { expectedType: TEST_TYPE },
    );
    c.start();
    await waitFor(() => started.includes(1), { description: 'second message in flight' });

    let stopped = false;
    const stopping = c.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(stopped).toBe(false); // waiting for the handler
    release.resolve();
    await stopping;

    expect(finished).toEqual([0, 1]);
    expect(started).toEqual([0, 1]);
    expect(c.state.status).toBe('stopped');
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(2n);
    await expect(c.stop()).resolves.toBeUndefined(); // idempotent
  });

  it('stop() gives up on a handler that outlives SHUTDOWN_TIMEOUT_MS, aborts its signal and leaves it uncommitted', async () => {
    const topic = uniqueName('stuck');
    const groupId = uniqueName('stuck-group');
    await ensureTopics(kafka, testTopicSpecs(topic, 1), { logger: quietLogger });
    await publisher.publish(topic, newEnvelope(TEST_TYPE, 's', { name: 'n', seq: 0 }), { key: 's' });

    let signal: AbortSignal | undefined;
    const c = consumers.create(groupId, { shutdownTimeoutMs: 1_000 }).handle(
      topic,
      TestPayload,
      (_event, meta) => {
        signal = meta.signal;
        return new Promise<void>(() => undefined); // never settles
      },
      { expectedType: TEST_TYPE },
    );
    c.start();
    await waitFor(() => signal !== undefined, { description: 'handler started' });

    const t0 = Date.now();
    await c.stop();
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(signal?.aborted).toBe(true);
    expect(c.state.status).toBe('stopped');
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(-1n);
  });
});
