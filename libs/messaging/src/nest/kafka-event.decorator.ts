import { applyDecorators, Catch, UseFilters, type RpcExceptionFilter } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';

import type { BatchHandlerOptions, HandlerOptions } from '../consumer-types';

/** Transport id of `KafkaEventTransport`; `@KafkaEvent` handlers bind to it only. */
export const KAFKA_EVENTS_TRANSPORT = Symbol('kafka-events');

/** What `@KafkaEvent` stores in the pattern's `extras`, read back by the transport. */
export interface KafkaEventExtras {
  payloadClass: new () => object;
  expectedType?: string | null;
  /** Set by `@KafkaEventBatch`: the method receives `BatchItem[]` (see ReliableConsumer.handleBatch). */
  batch?: { maxBatchSize?: number };
}

/**
 * Nest's default RPC exception filter replaces any non-RpcException with `{ status: 'error', message:
 * 'Internal server error' }`, which would erase the difference between a PermanentError and a transient one
 * (and the reason written to the DLT). This filter hands the original error back to the transport.
 */
@Catch()
export class KeepOriginalErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Declares a Kafka event handler: the standard `@EventPattern(topic)` bound to `KafkaEventTransport`, with the
 * payload class the transport validates the envelope against (`validateEvent`) before calling the method.
 *
 * ```ts
 * @KafkaEvent(Topic.CatalogProductUpserted, ProductUpserted)
 * async onProduct(@Payload() event: EventEnvelope<ProductUpserted>, @Ctx() ctx: KafkaEventContext) {}
 * ```
 * Throw `PermanentError` for what retrying cannot fix; anything else is retried with backoff.
 */
export function KafkaEvent(
  topic: string,
  payloadClass: new () => object,
  options: HandlerOptions = {},
): MethodDecorator {
  const extras: KafkaEventExtras = { payloadClass, expectedType: options.expectedType };
  return applyDecorators(
    EventPattern(topic, KAFKA_EVENTS_TRANSPORT, extras as unknown as Record<string, unknown>),
    UseFilters(new KeepOriginalErrorFilter()),
  );
}

/**
 * Like `@KafkaEvent`, but the method receives up to `maxBatchSize` consecutive messages of a partition at
 * once, as `@Payload() items: BatchItem<P>[]` (the `@Ctx()` is the first message's context), committed
 * together after it resolves. It must be idempotent per message: when it throws, the messages are handed to
 * it again one at a time with the usual retries and dead-lettering (see ReliableConsumer.handleBatch).
 */
export function KafkaEventBatch(
  topic: string,
  payloadClass: new () => object,
  options: BatchHandlerOptions = {},
): MethodDecorator {
  const extras: KafkaEventExtras = {
    payloadClass,
    expectedType: options.expectedType,
    batch: { maxBatchSize: options.maxBatchSize },
  };
  return applyDecorators(
    EventPattern(topic, KAFKA_EVENTS_TRANSPORT, extras as unknown as Record<string, unknown>),
    UseFilters(new KeepOriginalErrorFilter()),
  );
}
