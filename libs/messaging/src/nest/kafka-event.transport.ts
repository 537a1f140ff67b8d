import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';

import { deadLetterTopicOf, topicSpecsFor, type EventEnvelope, type TopicSpec } from '@app/contracts';

import type {
  BatchItem,
  ConsumerState,
  ConsumerStatus,
  MessageMeta,
  ReliableConsumerOptions,
} from '../consumer-types';
import { ReliableConsumer } from '../reliable-consumer';

import { KafkaEventContext } from './kafka-event.context';
import { KAFKA_EVENTS_TRANSPORT, type KafkaEventExtras } from './kafka-event.decorator';

export interface KafkaEventTransportOptions extends Omit<
  ReliableConsumerOptions,
  'ensureTopics' | 'onStatusChange'
> {
  /**
   * Specs to create before subscribing. Default: `topicSpecsFor(handled topics)` from @app/contracts (each
   * handled topic and its DLT; an undeclared topic fails `listen`). Given specs are filtered to the handled
   * topics and their DLTs.
   */
  topicSpecs?: readonly TopicSpec[];
}

type TransportEvents = { status: (state: ConsumerState) => void };

/**
 * A Nest custom transport over `ReliableConsumer`, so handlers are declared with `@KafkaEvent(topic, Payload)`
 * (i.e. `@EventPattern`) and run in a hybrid app:
 *
 * ```ts
 * app.connectMicroservice({ strategy: app.get(KafkaEventTransport) });
 * await app.startAllMicroservices();
 * ```
 *
 * Replaces Nest's `ServerKafka` for consuming because that one commits a message whatever its handler did,
 * has no retry cap, and lets a poison message block its partition (see the lib README).
 * `listen` returns at once, before Kafka is reached, so the HTTP side (health, metrics) starts even while
 * Kafka is down; `state()` says whether the consumer is running.
 */
export class KafkaEventTransport
  extends Server<TransportEvents, ConsumerStatus>
  implements CustomTransportStrategy
{
  override transportId = KAFKA_EVENTS_TRANSPORT;
  private consumer: ReliableConsumer | null = null;
  private readonly statusListeners: TransportEvents['status'][] = [];
  private readonly log = new Logger(KafkaEventTransport.name);

  constructor(private readonly options: KafkaEventTransportOptions) {
    super();
  }

  listen(callback: (err?: unknown) => void): void {
    try {
      if (this.consumer) throw new Error('KafkaEventTransport is already listening');
      const consumer = this.buildConsumer();
      this.consumer = consumer;
      consumer.start();
      this.log.log(`consuming ${consumer.topics.join(', ')} as group ${this.options.groupId}`);
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Graceful: lets in-flight handlers finish (bounded), commits, leaves the group. Idempotent. */
  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  /** Only `status` is supported: called with the consumer state on every change. */
  on<K extends keyof TransportEvents>(event: K, callback: TransportEvents[K]): void {
    if (event !== 'status') throw new Error(`KafkaEventTransport has no "${String(event)}" event`);
    this.statusListeners.push(callback);
  }

  /** The underlying ReliableConsumer. */
  unwrap<T>(): T {
    if (!this.consumer) throw new Error('Not initialized. Call listen/startAllMicroservices first.');
    return this.consumer as T;
  }

  /** Consumer state for readiness; `idle` until the microservice is started. */
  state(): ConsumerState {
    return this.consumer?.state ?? { status: 'idle', lastError: null, since: new Date(0).toISOString() };
  }

  private buildConsumer(): ReliableConsumer {
    const routes = [...this.messageHandlers.entries()].map(([pattern, handler]) => {
      if (!handler.isEventHandler) {
        throw new Error(
          `${pattern}: request/response (@MessagePattern) is not supported over Kafka here; use @KafkaEvent`,
        );
      }
      const extras = handler.extras as Partial<KafkaEventExtras> | undefined;
      if (!extras?.payloadClass) {
        throw new Error(
          `${pattern}: no payload class; declare the handler with @KafkaEvent(topic, PayloadClass)`,
        );
      }
      return {
        topic: pattern,
        handler,
        payloadClass: extras.payloadClass,
        expectedType: extras.expectedType,
        batch: extras.batch,
      };
    });
    if (routes.length === 0) throw new Error('KafkaEventTransport: no @KafkaEvent handlers found');

    const topics = routes.map((r) => r.topic);
    const { topicSpecs, ...consumerOptions } = this.options;
    const wanted = new Set([...topics, ...topics.map(deadLetterTopicOf)]);
    const ensureTopics = topicSpecs ? topicSpecs.filter((s) => wanted.has(s.topic)) : topicSpecsFor(topics);

    const consumer = new ReliableConsumer({
      ...consumerOptions,
      ensureTopics,
      onStatusChange: (state) => {
        this._status$.next(state.status);
        for (const listener of this.statusListeners) listener(state);
      },
    });
    for (const route of routes) {
      if (route.batch) {
        consumer.handleBatch(
          route.topic,
          route.payloadClass,
          (items) => this.invoke(route.handler, items, items[0].meta),
          { expectedType: route.expectedType, maxBatchSize: route.batch.maxBatchSize },
        );
        continue;
      }
      consumer.handle(
        route.topic,
        route.payloadClass,
        (event, meta) => this.invoke(route.handler, event, meta),
        {
          expectedType: route.expectedType,
        },
      );
    }
    return consumer;
  }

  /**
   * Calls the Nest handler chain (guards, interceptors, pipes, filters, then the method) and waits for it,
   * whether it returned a value, a promise or an observable; its error reaches ReliableConsumer unchanged
   * (see KeepOriginalErrorFilter).
   */
  private async invoke(
    handler: MessageHandler,
    data: EventEnvelope<object> | ReadonlyArray<BatchItem<object>>,
    meta: MessageMeta,
  ): Promise<void> {
    const result: unknown = await handler(data, new KafkaEventContext(meta));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}
