import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { ConfigResourceTypes } from 'kafkajs';

import { Topic, TOPIC_SPECS } from '@app/contracts';
import { EventPublisher, ensureTopics, newEnvelope } from '@app/messaging';
import { uniqueName } from '@app/testing';

import {
  endOffsets,
  quietLogger,
  readTopic,
  testKafka,
  testTopicSpecs,
  TEST_TYPE,
} from './support/kafka-test-kit';

describe('EventPublisher and topic admin (real Kafka)', () => {
  const kafka = testKafka('publisher');
  const publisher = new EventPublisher(kafka);
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });

  afterAll(async () => {
    await publisher.close();
    propagation.disable();
    context.disable();
  });

  it('ensureTopics creates topics with the declared partitions and config, and is idempotent (twice, and racing)', async () => {
    const topic = uniqueName('admin');
    const specs = testTopicSpecs(topic, 4);
    const first = await ensureTopics(kafka, specs, { logger: quietLogger });
    expect(first.created.sort()).toEqual([topic, `${topic}.dlt`].sort());
    const again = await ensureTopics(kafka, specs, { logger: quietLogger });
    expect(again).toEqual({ created: [], existing: [topic, `${topic}.dlt`] });

    // Several processes starting at once on a fresh topic set.
    const racing = testTopicSpecs(uniqueName('admin-race'), 2);
    await Promise.all([1, 2, 3].map(() => ensureTopics(kafka, racing, { logger: quietLogger })));

    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic, `${topic}.dlt`, racing[0].topic] });
      const partitions = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toEqual({ [topic]: 4, [`${topic}.dlt`]: 1, [racing[0].topic]: 2 });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] },
        ],
      });
      const entries = Object.fromEntries(
        configs.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
      );
      expect(entries).toEqual({ 'retention.ms': '3600000', 'cleanup.policy': 'delete' });
    } finally {
      await admin.disconnect();
    }
  });

  it('the declared topic specs (every Topic and its DLT) are accepted by a real broker', async () => {
    await ensureTopics(kafka, TOPIC_SPECS, { logger: quietLogger });
    await ensureTopics(kafka, TOPIC_SPECS, { logger: quietLogger });
    const offsets = await endOffsets(kafka, Topic.SalesOrderUpserted);
    expect(offsets.size).toBe(6);
  });

  it('publish resolves only after the broker acked: the message is already in the log, readable, with trace context', async () => {
    const topic = uniqueName('publish');
    await ensureTopics(kafka, testTopicSpecs(topic, 1), { logger: quietLogger });
    const before = (await endOffsets(kafka, topic)).get(0);

    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanContext = { traceId, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const envelope = newEnvelope(TEST_TYPE, 'store-9', { name: 'n', seq: 1 });
    const meta = await context.with(trace.setSpanContext(context.active(), spanContext), () =>
      publisher.publish(topic, envelope, { key: 'store-9', headers: { 'x-request-id': 'r-1' } }),
    );

    // No waiting: the ack means the log end already moved.
    expect((await endOffsets(kafka, topic)).get(0)).toBe((before ?? 0n) + 1n);
    expect(meta.partition).toBe(0);
    expect(meta.baseOffset).toBe(String(before ?? 0n));

    const [message] = await readTopic(kafka, topic, 1);
    expect(message.key).toBe('store-9');
    expect(JSON.parse(message.value!.toString())).toEqual(JSON.parse(JSON.stringify(envelope)));
    expect(message.headers['x-request-id']?.toString()).toBe('r-1');
    expect(message.headers.traceparent?.toString()).toBe(`00-${traceId}-b7ad6b7169203331-01`);
  });

  it('newEnvelope fills id, occurredAt and schemaVersion', () => {
    const e = newEnvelope(TEST_TYPE, 's', { name: 'x', seq: 0 });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(e.occurredAt))).toBe(false);
    expect(e.schemaVersion).toBe(1);
    expect(newEnvelope(TEST_TYPE, 's', {}, 2).schemaVersion).toBe(2);
  });

  it('publish rejects (does not hang) when the broker is unreachable', async () => {
    const { Kafka } = await import('kafkajs');
    const dead = new Kafka({
      clientId: 'dead',
      brokers: ['127.0.0.1:1'],
      retry: { retries: 1 },
      logCreator: () => () => undefined,
    });
    const p = new EventPublisher(dead, { publishTimeoutMs: 2_000 });
    await expect(
      p.publish('any.topic.x.v1', newEnvelope(TEST_TYPE, 's', {}), { key: 's' }),
    ).rejects.toThrow();
    await p.close();
  });
});
