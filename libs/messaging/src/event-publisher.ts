import { randomUUID } from 'node:crypto';

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  CompressionTypes,
  Partitioners,
  type IHeaders,
  type Kafka,
  type Message,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';

import { EventEnvelope, type EventOrigin } from '@app/contracts';

import { messagingMetrics } from './messaging-metrics';
import { traceHeaders } from './tracing';

export interface PublishOptions {
  /** Message key: the entity whose events must stay ordered (see `keyFor` in @app/contracts). */
  key: string;
  /** Extra headers. Trace context is added automatically. */
  headers?: Record<string, string>;
}

export interface EventPublisherOptions {
  /**
   * Upper bound for one publish (ms, default 30 s). kafkajs retries an idempotent send without limit while the
   * broker is away; past this bound the caller gets an error (the message may still be written later, which
   * at-least-once consumers deduplicate by event id).
   */
  publishTimeoutMs?: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

/** A new envelope with a random id and `occurredAt` = now. */
export function newEnvelope<P extends object>(
  type: string,
  storeId: string,
  payload: P,
  schemaVersion = 1,
  origin?: EventOrigin,
): EventEnvelope<P> {
  const envelope = new EventEnvelope<P>();
  envelope.id = randomUUID();
  envelope.type = type;
  envelope.storeId = storeId;
  envelope.occurredAt = new Date().toISOString();
  envelope.schemaVersion = schemaVersion;
  envelope.payload = payload;
  if (origin) envelope.origin = origin;
  return envelope;
}

/**
 * Publishes events through one idempotent kafkajs producer (`acks: -1`, one request in flight per broker).
 * Every returned promise settles on the broker's answer: it resolves once all in-sync replicas have the
 * message and rejects otherwise — unlike `ClientKafka.emit`, nothing is fire-and-forget.
 * Connects lazily (and again after a failed connect), so a broker that is down at start costs nothing until
 * the first publish.
 */
export class EventPublisher implements OnApplicationShutdown {
  private readonly producer: Producer;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private readonly publishTimeoutMs: number;
  private connecting: Promise<void> | null = null;
  private connected = false;
  private closed = false;

  constructor(kafka: Kafka, options: EventPublisherOptions = {}) {
    this.logger = options.logger ?? new Logger(EventPublisher.name);
    this.publishTimeoutMs = options.publishTimeoutMs ?? 30_000;
    this.producer = kafka.producer({
      idempotent: true,
      // KIP-98 asks for one in-flight request per connection with idempotence; kafkajs also serialises
      // idempotent produce requests per broker, so this only makes the intent explicit.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // An idempotent producer must not give up on its own (kafkajs warns that a retry cap can break the
      // sequence guarantees); `publishTimeoutMs` bounds how long a caller waits instead.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects now (optional: publish connects on demand). Rejects when the broker cannot be reached. */
  async connect(): Promise<void> {
    if (this.closed) throw new Error('EventPublisher is closed');
    if (this.connected) return;
    this.connecting ??= this.producer.connect().then(
      () => {
        this.connected = true;
        this.connecting = null;
      },
      (err: unknown) => {
        this.connecting = null;
        throw err;
      },
    );
    return this.connecting;
  }

  /**
   * Publishes one event as JSON. Resolves with the partition/offset the broker assigned, after the ack.
   */
  async publish<P extends object>(
    topic: string,
    envelope: EventEnvelope<P>,
    options: PublishOptions,
  ): Promise<RecordMetadata> {
    const [meta] = await this.publishRaw(topic, [
      {
        key: options.key,
        value: JSON.stringify(envelope),
        headers: { ...(options.headers ?? {}), ...traceHeaders() },
      },
    ]);
    return meta;
  }

  /**
   * Publishes several events to one topic in a single produce request (a backfill page, a batch of commands):
   * one broker round trip instead of one per event. Resolves after the broker acked all of them; on failure none
   * is known to be durable, so the caller retries the whole batch (consumers are idempotent).
   */
  async publishMany<P extends object>(
    topic: string,
    events: ReadonlyArray<{ envelope: EventEnvelope<P>; key: string }>,
  ): Promise<RecordMetadata[]> {
    if (events.length === 0) return [];
    const headers = traceHeaders();
    return this.publishRaw(
      topic,
      events.map(({ envelope, key }) => ({ key, value: JSON.stringify(envelope), headers: { ...headers } })),
    );
  }

  /**
   * Publishes prepared messages unchanged (keys, values and headers as given — the dead-letter path relies on
   * that). Adds no trace headers. Resolves after the broker acked all of them.
   */
  async publishRaw(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    // One deadline over connect + send: a lazy connect to an unreachable broker can otherwise take kafkajs'
    // whole retry budget, and callers (the gateway answering Salla) need a bounded answer.
    const work = this.connect().then(() =>
      this.producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`publish to ${topic} not acknowledged within ${this.publishTimeoutMs} ms`)),
        this.publishTimeoutMs,
      );
    });
    try {
      const acked = await Promise.race([work, timeout]);
      messagingMetrics.published.add(messages.length, { topic, outcome: 'acked' });
      return acked;
    } catch (err) {
      messagingMetrics.published.add(messages.length, { topic, outcome: 'failed' });
      throw err;
    } finally {
      clearTimeout(timer);
      work.catch(() => undefined); // a late failure after the deadline is not an unhandled rejection
    }
  }

  /** Disconnects the producer. Idempotent; later publishes reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    if (this.connected) {
      this.connected = false;
      await this.producer.disconnect();
    }
  }

  /**
   * Nest calls this after the microservices (consumers) are closed, so a consumer finishing its in-flight
   * message can still write to its dead-letter topic.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

export type { IHeaders, Message, RecordMetadata };
