import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';

import { TOPIC_SPECS } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import {
  computeBackoff,
  decodeHeaders,
  describeError,
  ensureTopics,
  KAFKA_CLIENT,
  MESSAGING_OPTIONS,
  MessagingHeaders,
  type MessagingOptions,
  sleep,
} from '@app/messaging';

import type { DeadLetter } from './dead-letter.schema';
import { DeadLettersRepository } from './dead-letters.repository';
import { DEAD_LETTER_AAD, originalMessage, storeIdOf } from './sealed-message';

/** Every dead-letter topic of the catalogue. */
export const DEAD_LETTER_TOPICS = TOPIC_SPECS.filter((s) => s.kind === 'dead-letter');

/**
 * Indexes every `*.dlt` topic into `admin_dead_letters`. A plain kafkajs consumer of its own group, not a
 * `@KafkaEvent` handler: dead letters are by definition messages that may not parse or validate, and a
 * failure here must never dead-letter a dead letter. Indexing is idempotent (unique DLT position), so the
 * at-least-once redelivery after a crash is harmless; a Mongo failure throws and kafkajs retries the message.
 */
@Injectable()
export class DeadLetterIndexer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadLetterIndexer.name);
  private readonly stopping = new AbortController();
  private consumer: Consumer | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly repository: DeadLettersRepository,
    private readonly crypto: CryptoService,
  ) {}

  get groupId(): string {
    return `${this.options.groupId ?? this.options.service}.admin-dead-letters`;
  }

  onApplicationBootstrap(): void {
    this.running = this.startWithRetry();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 1; !this.stopping.signal.aborted; attempt += 1) {
      try {
        await ensureTopics(this.kafka, DEAD_LETTER_TOPICS, {
          replicationFactor: this.options.replicationFactor,
        });
        const consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false });
        this.consumer = consumer;
        await consumer.connect();
        await consumer.subscribe({ topics: DEAD_LETTER_TOPICS.map((s) => s.topic), fromBeginning: true });
        if (this.stopping.signal.aborted) return;
        await consumer.run({ eachMessage: (m) => this.index(m) });
        this.logger.log(`indexing ${DEAD_LETTER_TOPICS.length} dead-letter topics as group ${this.groupId}`);
        return;
      } catch (err) {
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = null;
        const delay = computeBackoff(attempt, { baseMs: 1000, maxMs: 30_000 });
        this.logger.warn(`dead-letter indexer not running yet (retry in ${delay} ms): ${describeError(err)}`);
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  private async index({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const h = decodeHeaders(message.headers);
    const storeId = storeIdOf(message.key, message.value);
    const sourcePartition = Number(h[MessagingHeaders.DltSourcePartition]);
    const failedAt = new Date(h[MessagingHeaders.DltFailedAt] ?? Number(message.timestamp));
    const entry: DeadLetter = {
      dltTopic: topic,
      dltPartition: partition,
      dltOffset: message.offset,
      sourceTopic: h[MessagingHeaders.DltSourceTopic] ?? topic.replace(/\.dlt$/, ''),
      ...(Number.isInteger(sourcePartition) ? { sourcePartition } : {}),
      ...(h[MessagingHeaders.DltSourceOffset] ? { sourceOffset: h[MessagingHeaders.DltSourceOffset] } : {}),
      ...(message.key ? { key: message.key.toString('utf8').slice(0, 256) } : {}),
      ...(storeId ? { storeId } : {}),
      reason: (h[MessagingHeaders.DltReason] ?? 'unknown').slice(0, 2000),
      attempts: Number(h[MessagingHeaders.Attempt]) || 1,
      service: h[MessagingHeaders.DltService] ?? 'unknown',
      failedAt: Number.isNaN(failedAt.getTime()) ? new Date() : failedAt,
      indexedAt: new Date(),
      state: 'parked',
    };
    if (storeId) {
      try {
        const original = originalMessage(message.key, message.value, message.headers);
        entry.sealed = await this.crypto.encryptJson(storeId, original, DEAD_LETTER_AAD);
      } catch (err) {
        // E.g. the store's key was shredded (erased store): indexed, but not replayable.
        this.logger.warn(
          `${topic}[${partition}]@${message.offset}: original not kept: ${describeError(err)}`,
        );
      }
    }
    await this.repository.indexOnce(entry);
  }
}
