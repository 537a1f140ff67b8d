import { Kafka, logLevel, type Consumer } from 'kafkajs';

import { integrationEnv, uniqueName } from '@app/testing';

/** A message the tap saw: its topic and the envelope as JSON. */
export interface Tapped {
  topic: string;
  envelope: { id: string; type: string; storeId: string; payload: Record<string, unknown> } & Record<
    string,
    unknown
  >;
}

/**
 * Listens to topics from their current end (a fresh group that starts at the latest offsets), keeping what
 * one store's messages looked like on the wire — so a test can later try to read them, as an attacker with a
 * copy of the topic would.
 */
export class TopicTap {
  readonly seen: Tapped[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(topics: string[], storeId: () => string | undefined): Promise<TopicTap> {
    const kafka = new Kafka({
      clientId: uniqueName('e2e-tap'),
      brokers: integrationEnv().kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: uniqueName('e2e-tap') });
    const tap = new TopicTap(consumer);
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}') as Tapped['envelope'];
        if (envelope.storeId && envelope.storeId === storeId()) tap.seen.push({ topic, envelope });
        return Promise.resolve();
      },
    });
    await joined;
    return tap;
  }

  of(topic: string): Tapped[] {
    return this.seen.filter((t) => t.topic === topic);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }
}
