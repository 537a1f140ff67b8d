import type { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';

import type { EventEnvelope, TopicSpec } from '@app/contracts';

import type { EventPublisher } from './event-publisher';
import type { EnsureTopicsOptions } from './topic-admin';

/**
 * `idle`: not started. `connecting`: (re)connecting, creating topics or joining the group — `lastError` says
 * why it is not running yet. `running`: member of the group, consuming. `stopped`: stop() was called.
 */
export type ConsumerStatus = 'idle' | 'connecting' | 'running' | 'stopped';

export interface ConsumerState {
  status: ConsumerStatus;
  /** The last connection/crash error, kept after recovery for diagnosis; null if none yet. */
  lastError: string | null;
  /** When `status` last changed (ISO 8601). */
  since: string;
}

/** What a handler learns about the message besides the validated event. */
export interface MessageMeta {
  topic: string;
  partition: number;
  offset: string;
  /** UTF-8 key, null for a keyless message. */
  key: string | null;
  /** All headers as UTF-8 strings. */
  headers: Record<string, string>;
  /** Broker/producer timestamp (ms since epoch, as kafkajs gives it). */
  timestamp: string;
  /** 1 on the first try, 2 on the first retry, ... up to maxAttempts. */
  attempt: number;
  /** Aborted when shutdown gives up waiting for this handler (SHUTDOWN_TIMEOUT_MS): stop work, it will be redelivered. */
  signal: AbortSignal;
}

export type EventHandler<P extends object> = (
  event: EventEnvelope<P>,
  meta: MessageMeta,
) => Promise<void> | void;

/** One message of a batch handed to a `BatchEventHandler`. */
export interface BatchItem<P extends object> {
  event: EventEnvelope<P>;
  meta: MessageMeta;
}

/**
 * Handles consecutive messages of one partition at once (in offset order). It must be idempotent per message:
 * when it throws, the same messages are handed to it again one at a time (each with the usual retries and
 * dead-lettering), so a failure never loses or blocks a message.
 */
export type BatchEventHandler<P extends object> = (
  items: ReadonlyArray<BatchItem<P>>,
) => Promise<void> | void;

export interface BatchHandlerOptions extends HandlerOptions {
  /** Most messages per call (default 100); fewer when the fetched batch holds fewer. */
  maxBatchSize?: number;
}

export interface HandlerOptions {
  /**
   * The envelope `type` this topic must carry; default: the topic name itself (a `Topic` value). A message of
   * another type is dead-lettered as invalid. `null` turns the check off.
   */
  expectedType?: string | null;
}

export interface ReliableConsumerOptions {
  kafka: Kafka;
  groupId: string;
  /** This service's name, written to `x-dlt-service`. */
  service: string;
  /** Writes dead letters (its acked publish is what allows the commit). */
  publisher: EventPublisher;
  /** Total tries of a transiently failing message before it is dead-lettered (KAFKA_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay, doubled per attempt, with jitter (KAFKA_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** Cap of one retry delay (default 30 s). */
  retryMaxMs?: number;
  /** How long stop() waits for the in-flight handler before giving up on it (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** Partitions processed in parallel. Default 3. */
  partitionsConsumedConcurrently?: number;
  /**
   * Messages of one partition in progress at once, never two with the same key (a key's messages stay in
   * order). Default 1: the partition is sequential. Batch routes (handleBatch) are always sequential.
   */
  keyConcurrency?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** Longest fetch long-poll; also bounds how long stop() waits for an idle fetch. Default 1000. */
  maxWaitTimeMs?: number;
  /** Where a group with no committed offset starts; default true (earliest), so nothing produced before the first deploy is skipped. */
  fromBeginning?: boolean;
  /** Topics to create (if missing) before subscribing: normally `topicSpecsFor(handledTopics)`. */
  ensureTopics?: readonly TopicSpec[];
  ensureTopicsOptions?: EnsureTopicsOptions;
  /** Backoff between reconnection attempts when Kafka is unreachable (default 1 s doubling to 30 s). */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'error' | 'debug'>;
  onStatusChange?: (state: ConsumerState) => void;
}
