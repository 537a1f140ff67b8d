import { Kafka, logLevel, type Consumer } from 'kafkajs';

import { Topic } from '@app/contracts';

import type { IntakeMessage } from '../support/webhook-harness';

/**
 * Every `salla.webhook.received.v1` message that belongs to this fuzz run: its body hash is one the fuzzer
 * sent, or its store is one of the fuzz's stores. Matching on the hash too catches a message published for a
 * store id the fuzzer never chose (e.g. a bit flip in `merchant`).
 */
export class IntakeTopicLog {
  private readonly consumer: Consumer;
  readonly messages: IntakeMessage[] = [];

  constructor(
    kafkaBrokers: string[],
    groupId: string,
    private readonly sentHashes: ReadonlySet<string>,
    private readonly stores: ReadonlySet<string>,
  ) {
    const kafka = new Kafka({ clientId: groupId, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: Topic.SallaWebhookReceived, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {}))
          if (v !== undefined) headers[k] = String(v);
        const sha = headers['x-body-sha256'] ?? '';
        const store = headers['x-store-id'] ?? '';
        if (this.sentHashes.has(sha) || this.stores.has(store)) {
          this.messages.push({
            key: message.key?.toString() ?? '',
            headers,
            value: JSON.parse(message.value?.toString() ?? 'null') as IntakeMessage['value'],
          });
        }
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
