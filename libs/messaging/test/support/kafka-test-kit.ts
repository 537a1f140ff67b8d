// Helpers shared by this lib's integration specs: a test payload, quiet clients, topic specs for throwaway
// topics, and ways to read a topic / the committed offsets back.
import 'reflect-metadata';

import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';

import { deadLetterTopicOf, type TopicSpec } from '@app/contracts';
import { createKafka, ReliableConsumer, type ReliableConsumerOptions } from '@app/messaging';
import { integrationEnv, uniqueName, waitFor } from '@app/testing';

/** Envelope `type` of test events; must match the envelope's `<a>.<b>.<c>.v<N>` shape. */
export const TEST_TYPE = 'test.thing.happened.v1';

export class TestPayload {
  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsInt()
  @Min(0)
  seq!: number;
}

export const quietLogger = {
  log: (): void => undefined,
  warn: (): void => undefined,
  error: (): void => undefined,
  debug: (): void => undefined,
};

export function brokers(): string[] {
  return integrationEnv().kafkaBrokers;
}

export function testKafka(prefix: string): Kafka {
  return createKafka({ clientId: uniqueName(prefix), brokers: brokers(), logLevel: logLevel.NOTHING });
}

/** A throwaway topic and its DLT. */
export function testTopicSpecs(topic: string, numPartitions = 3): TopicSpec[] {
  return [
    { topic, numPartitions, retentionMs: 3_600_000, cleanupPolicy: 'delete', kind: 'event' },
    {
      topic: deadLetterTopicOf(topic),
      numPartitions: 1,
      retentionMs: 3_600_000,
      cleanupPolicy: 'delete',
      kind: 'dead-letter',
      deadLetterOf: topic,
    },
  ];
}

/** Consumer settings that keep tests quick (the broker's minimum session timeout is 6 s). */
export const fastConsumer = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 10_000,
  maxWaitTimeMs: 100,
  retryBaseMs: 20,
  retryMaxMs: 200,
  reconnectBaseMs: 200,
  reconnectMaxMs: 1_000,
  shutdownTimeoutMs: 10_000,
  logger: quietLogger,
} satisfies Partial<ReliableConsumerOptions>;

/** Makes `ReliableConsumer`s with the fast test settings and stops every one of them at the end of a file. */
export function testConsumers(base: Pick<ReliableConsumerOptions, 'kafka' | 'publisher' | 'service'>): {
  create(groupId: string, options?: Partial<ReliableConsumerOptions>): ReliableConsumer;
  stopAll(): Promise<void>;
} {
  const made: ReliableConsumer[] = [];
  return {
    create(groupId, options = {}) {
      const consumer = new ReliableConsumer({
        ...base,
        groupId,
        maxAttempts: 3,
        ...fastConsumer,
        ...options,
      });
      made.push(consumer);
      return consumer;
    },
    async stopAll() {
      await Promise.all(made.map((c) => c.stop()));
    },
  };
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Reads `count` messages of `topic` from the beginning with a fresh consumer group. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const seen: ReadMessage[] = [];
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    maxWaitTimeInMs: 100,
    sessionTimeout: 6_000,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        seen.push({
          partition,
          offset: message.offset,
          key: message.key ? message.key.toString() : null,
          value: message.value,
          headers: message.headers ?? {},
        });
        return Promise.resolve();
      },
    });
    await waitFor(() => seen.length >= count, { timeoutMs, description: `${count} messages on ${topic}` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/** Committed offset per partition of `topic` for `groupId` ('-1' = none). */
export async function committedOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(entry.partitions.map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** Log-end offset per partition of `topic`. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the group has committed everything on `topic` (offset = log end on every partition). */
export async function waitUntilFullyCommitted(
  kafka: Kafka,
  groupId: string,
  topic: string,
  timeoutMs = 15_000,
): Promise<void> {
  await waitFor(
    async () => {
      const [committed, end] = await Promise.all([
        committedOffsets(kafka, groupId, topic),
        endOffsets(kafka, topic),
      ]);
      return [...end].every(([p, high]) => high === 0n || committed.get(p) === high);
    },
    { timeoutMs, intervalMs: 200, description: `group ${groupId} fully committed on ${topic}` },
  );
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
