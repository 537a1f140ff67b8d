import type { Logger } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';

import type {
  BatchEventHandler,
  ConsumerStatus,
  EventHandler,
  ReliableConsumerOptions,
} from './consumer-types';

// Internal to ReliableConsumer and its parts; not exported from the package.

/** A topic registered with handle(): how its messages are validated and who handles them. */
export interface Route {
  payloadClass: new () => object;
  handler: EventHandler<object>;
  expectedType: string | undefined;
  /** Set by handleBatch(): consecutive messages go to this handler together; `handler` then takes one. */
  batch?: { handler: BatchEventHandler<object>; maxBatchSize: number };
}

/** How processing one message ended; 'abandoned' leaves it uncommitted, to be redelivered. */
export type Outcome = 'handled' | 'dead-lettered' | 'abandoned';

/** Updates the consumer's `state` (and `lastError` when given). */
export type SetStatus = (status: ConsumerStatus, lastError?: string) => void;

/** What the parts of a ReliableConsumer share with it. */
export interface ConsumerRuntime {
  readonly options: ReliableConsumerOptions;
  readonly logger: Pick<Logger, 'log' | 'warn' | 'error' | 'debug'>;
  readonly routes: ReadonlyMap<string, Route>;
  /** Aborted when stop() is called. */
  readonly stopSignal: AbortSignal;
  /** Aborted only when shutdown stops waiting for in-flight handlers. */
  readonly handlerSignal: AbortSignal;
}

/** The message a partition is working on, with the batch's heartbeat and the message's consumer span. */
export interface InFlightMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat: () => Promise<void>;
  span: Span;
}
