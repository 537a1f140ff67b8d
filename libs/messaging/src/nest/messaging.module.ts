import {
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import type { Kafka, logLevel } from 'kafkajs';

import { brokerList, type BaseEnv } from '@app/config';
import { topicSpecsFor, type TopicSpec } from '@app/contracts';

import type { ReliableConsumerOptions } from '../consumer-types';
import { EventPublisher } from '../event-publisher';
import { createKafka } from '../kafka-client';

import { KafkaConnectivity, TopicBootstrap } from './kafka-connectivity';
import { KafkaEventTransport } from './kafka-event.transport';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
/**
 * A client without kafkajs' internal retries, for the paths that loop with their own backoff (topic
 * bootstrap) or must answer now (readiness): a dead broker shows its real error at once, not after ~10 s.
 */
const KAFKA_PROBE_CLIENT = Symbol('KAFKA_PROBE_CLIENT');

type ConsumerTuning = Partial<
  Pick<
    ReliableConsumerOptions,
    | 'partitionsConsumedConcurrently'
    | 'keyConcurrency'
    | 'sessionTimeoutMs'
    | 'heartbeatIntervalMs'
    | 'rebalanceTimeoutMs'
    | 'maxWaitTimeMs'
    | 'fromBeginning'
    | 'retryMaxMs'
    | 'reconnectBaseMs'
    | 'reconnectMaxMs'
  >
>;

export interface MessagingOptions {
  /** Service name: default client id and consumer group, and `x-dlt-service` on dead letters. */
  service: string;
  clientId?: string;
  brokers: string[];
  /** Every topic this service publishes or consumes; created (with their DLTs) at start. */
  topics: readonly string[];
  /** Consumer group; default `service`. */
  groupId?: string;
  maxAttempts: number;
  retryBaseMs: number;
  shutdownTimeoutMs: number;
  consumer?: ConsumerTuning;
  publishTimeoutMs?: number;
  /** Replication factor for created topics (default min(3, brokers)). */
  replicationFactor?: number;
  kafkaLogLevel?: logLevel;
  /**
   * Specs to use instead of the declared ones (`topicSpecsFor(topics)`): for tests and tools that use topics
   * outside the `Topic` enum.
   */
  topicSpecs?: readonly TopicSpec[];
}

/** Maps the shared environment (KAFKA_BROKERS, KAFKA_CLIENT_ID, KAFKA_MAX_ATTEMPTS, ...) onto MessagingOptions. */
export function messagingOptionsFromEnv(
  env: Pick<
    BaseEnv,
    | 'KAFKA_BROKERS'
    | 'KAFKA_CLIENT_ID'
    | 'KAFKA_MAX_ATTEMPTS'
    | 'KAFKA_RETRY_BASE_MS'
    | 'KAFKA_PUBLISH_TIMEOUT_MS'
    | 'SHUTDOWN_TIMEOUT_MS'
  > &
    Partial<Pick<BaseEnv, 'KAFKA_PARTITIONS_CONCURRENCY' | 'KAFKA_KEY_CONCURRENCY'>>,
  options: Pick<MessagingOptions, 'service' | 'topics'> & Partial<MessagingOptions>,
): MessagingOptions {
  return {
    clientId: env.KAFKA_CLIENT_ID ?? options.service,
    brokers: brokerList(env),
    maxAttempts: env.KAFKA_MAX_ATTEMPTS,
    retryBaseMs: env.KAFKA_RETRY_BASE_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    publishTimeoutMs: env.KAFKA_PUBLISH_TIMEOUT_MS,
    ...options,
    consumer: {
      partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONCURRENCY,
      keyConcurrency: env.KAFKA_KEY_CONCURRENCY,
      ...options.consumer,
    },
  };
}

export interface MessagingAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => MessagingOptions | Promise<MessagingOptions>;
}

const providers: Provider[] = [
  {
    provide: KAFKA_CLIENT,
    inject: [MESSAGING_OPTIONS],
    useFactory: (o: MessagingOptions): Kafka =>
      createKafka({ clientId: o.clientId ?? o.service, brokers: o.brokers, logLevel: o.kafkaLogLevel }),
  },
  {
    provide: KAFKA_PROBE_CLIENT,
    inject: [MESSAGING_OPTIONS],
    useFactory: (o: MessagingOptions): Kafka =>
      createKafka({
        clientId: o.clientId ?? o.service,
        brokers: o.brokers,
        logLevel: o.kafkaLogLevel,
        retries: 0,
      }),
  },
  {
    provide: EventPublisher,
    inject: [KAFKA_CLIENT, MESSAGING_OPTIONS],
    useFactory: (kafka: Kafka, o: MessagingOptions) =>
      new EventPublisher(kafka, { publishTimeoutMs: o.publishTimeoutMs }),
  },
  {
    provide: TopicBootstrap,
    inject: [KAFKA_PROBE_CLIENT, MESSAGING_OPTIONS],
    useFactory: (kafka: Kafka, o: MessagingOptions) =>
      new TopicBootstrap(kafka, o.topicSpecs ?? topicSpecsFor(o.topics), o.replicationFactor),
  },
  {
    provide: KafkaEventTransport,
    inject: [KAFKA_CLIENT, MESSAGING_OPTIONS, EventPublisher],
    useFactory: (kafka: Kafka, o: MessagingOptions, publisher: EventPublisher) =>
      new KafkaEventTransport({
        kafka,
        publisher,
        groupId: o.groupId ?? o.service,
        service: o.service,
        maxAttempts: o.maxAttempts,
        retryBaseMs: o.retryBaseMs,
        shutdownTimeoutMs: o.shutdownTimeoutMs,
        topicSpecs: o.topicSpecs,
        ensureTopicsOptions: { replicationFactor: o.replicationFactor },
        ...o.consumer,
      }),
  },
  {
    provide: KafkaConnectivity,
    inject: [KAFKA_PROBE_CLIENT, TopicBootstrap, KafkaEventTransport],
    useFactory: (kafka: Kafka, topics: TopicBootstrap, transport: KafkaEventTransport) =>
      new KafkaConnectivity(kafka, topics, transport),
  },
];

const exported = [KAFKA_CLIENT, MESSAGING_OPTIONS, EventPublisher, KafkaEventTransport, KafkaConnectivity];

/**
 * Kafka for a service: `EventPublisher` (acked publishes), `KafkaEventTransport` (the consumer strategy for
 * `app.connectMicroservice`), `KafkaConnectivity` (readiness) and topic creation at start. Global, so feature
 * modules inject `EventPublisher` without importing this module again.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, ...providers],
      exports: exported,
    };
  }

  static forRootAsync(options: MessagingAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: MESSAGING_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        ...providers,
      ],
      exports: exported,
    };
  }
}
