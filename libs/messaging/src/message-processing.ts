import { SpanKind, trace } from '@opentelemetry/api';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';

import type { EventEnvelope } from '@app/contracts';
import { withStoreContext } from '@app/observability';

import { computeBackoff } from './backoff';
import { recordConsumerLag } from './consumer-lag';
import type { ConsumerRuntime, InFlightMessage, Outcome, Route } from './consumer-runtime';
import type { BatchItem, MessageMeta } from './consumer-types';
import { deadLetter } from './dead-letter';
import { decodeEvent } from './decode-event';
import { classifyError, describeError } from './errors';
import { decodeHeaders } from './headers';
import { processWithKeyConcurrency } from './key-concurrent-batch';
import { waitBeforeRetry, withHeartbeat } from './heartbeat';
import { messagingMetrics } from './messaging-metrics';
import { contextFromHeaders, TRACER_NAME } from './tracing';

const tracer = trace.getTracer(TRACER_NAME);

/**
 * kafkajs `eachBatch`: the partition's messages one at a time, each committed once it is durable; or, with
 * `keyConcurrency` > 1, messages of different keys side by side (see processWithKeyConcurrency).
 */
export async function processBatch(rt: ConsumerRuntime, payload: EachBatchPayload): Promise<void> {
  const { batch, isRunning, isStale } = payload;
  const { topic, partition } = batch;
  const route = rt.routes.get(topic);
  if (route?.batch) return processInChunks(rt, route, payload);
  const keyConcurrency = rt.options.keyConcurrency ?? 1;
  if (keyConcurrency > 1 && batch.messages.length > 1) {
    return processWithKeyConcurrency(
      rt,
      payload,
      keyConcurrency,
      (message) => processMessage(rt, topic, partition, message, payload.heartbeat),
      (message) => markDone(rt, payload, message),
    );
  }
  for (const message of batch.messages) {
    if (!isRunning() || isStale() || rt.stopSignal.aborted) return;
    const outcome = await processMessage(rt, topic, partition, message, payload.heartbeat);
    if (outcome === 'abandoned') return;
    await markDone(rt, payload, message);
  }
}

/** Durable (handled, or dead letter acked): commit this message before touching the next one. */
async function markDone(
  rt: ConsumerRuntime,
  { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload,
  message: KafkaMessage,
): Promise<void> {
  const { topic, partition } = batch;
  await commitOffsetsIfNecessary({
    topics: [{ topic, partitions: [{ partition, offset: (BigInt(message.offset) + 1n).toString() }] }],
  });
  resolveOffset(message.offset);
  recordConsumerLag(rt.options.groupId, topic, partition, batch.highWatermark, BigInt(message.offset) + 1n);
  // Unguarded on purpose: a rebalance error here makes kafkajs rejoin the group now.
  await heartbeat();
}

/**
 * A batch route: chunks of up to `maxBatchSize` messages go to the batch handler together and are committed
 * together after it resolved. A chunk with an invalid message, or whose handler threw, is processed one
 * message at a time instead (the handler is idempotent per message), which retries and dead-letters exactly.
 */
async function processInChunks(rt: ConsumerRuntime, route: Route, payload: EachBatchPayload): Promise<void> {
  const { batch, isRunning, isStale } = payload;
  const { topic, partition } = batch;
  const size = route.batch!.maxBatchSize;
  for (let start = 0; start < batch.messages.length; start += size) {
    if (!isRunning() || isStale() || rt.stopSignal.aborted) return;
    const chunk = batch.messages.slice(start, start + size);
    const whole = await handleChunk(rt, route, topic, partition, chunk, payload.heartbeat);
    if (whole === 'abandoned') return;
    if (whole === 'handled') {
      await markDone(rt, payload, chunk[chunk.length - 1]);
      continue;
    }
    for (const message of chunk) {
      if (!isRunning() || isStale() || rt.stopSignal.aborted) return;
      const outcome = await processMessage(rt, topic, partition, message, payload.heartbeat);
      if (outcome === 'abandoned') return;
      await markDone(rt, payload, message);
    }
  }
}

/** One try of the batch handler on a whole chunk, in a consumer span; 'failed' means: go one by one. */
async function handleChunk(
  rt: ConsumerRuntime,
  route: Route,
  topic: string,
  partition: number,
  chunk: KafkaMessage[],
  heartbeat: () => Promise<void>,
): Promise<'handled' | 'abandoned' | 'failed'> {
  const where = `${topic}[${partition}]@${chunk[0].offset}..${chunk[chunk.length - 1].offset}`;
  const items: BatchItem<object>[] = [];
  for (const message of chunk) {
    try {
      const headers = decodeHeaders(message.headers);
      items.push({
        event: await decodeEvent(message, route),
        meta: {
          topic,
          partition,
          offset: message.offset,
          key: message.key ? message.key.toString('utf8') : null,
          headers,
          timestamp: message.timestamp,
          attempt: 1,
          signal: rt.handlerSignal,
        },
      });
    } catch {
      return 'failed'; // the one-by-one path dead-letters the invalid message with its reason
    }
  }
  return tracer.startActiveSpan(
    `${topic} process batch`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.batch.message_count': chunk.length,
        'messaging.consumer.group.name': rt.options.groupId,
      },
    },
    async (span) => {
      const started = performance.now();
      try {
        const result = await withHeartbeat(rt, heartbeat, () => route.batch!.handler(items));
        if (result === 'abandoned') return 'abandoned';
        messagingMetrics.consumed.add(chunk.length, { topic, outcome: 'handled' });
        messagingMetrics.duration.record((performance.now() - started) / 1000, { topic, outcome: 'handled' });
        return 'handled';
      } catch (err) {
        span.recordException(err instanceof Error ? err : new Error(describeError(err)));
        rt.logger.warn(
          `${where}: batch of ${chunk.length} failed, processing them one by one: ${describeError(err)}`,
        );
        return 'failed';
      } finally {
        span.end();
      }
    },
  );
}

/** Processes one message inside a consumer span (parented by its headers' trace context) and records metrics. */
async function processMessage(
  rt: ConsumerRuntime,
  topic: string,
  partition: number,
  message: KafkaMessage,
  heartbeat: () => Promise<void>,
): Promise<Outcome> {
  const headers = decodeHeaders(message.headers);
  const key = message.key ? message.key.toString('utf8') : null;
  return tracer.startActiveSpan(
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.consumer.group.name': rt.options.groupId,
        ...(key !== null ? { 'messaging.kafka.message.key': key } : {}),
      },
    },
    contextFromHeaders(headers),
    async (span) => {
      const started = performance.now();
      try {
        const inFlight: InFlightMessage = { topic, partition, message, heartbeat, span };
        const outcome = await handleWithRetries(rt, inFlight, key, headers);
        span.setAttribute('messaging.outcome', outcome);
        messagingMetrics.consumed.add(1, { topic, outcome });
        messagingMetrics.duration.record((performance.now() - started) / 1000, { topic, outcome });
        return outcome;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Decodes the message and runs its handler: a permanent failure is dead-lettered at once, a transient one is
 * retried with backoff and dead-lettered after `maxAttempts`.
 */
async function handleWithRetries(
  rt: ConsumerRuntime,
  inFlight: InFlightMessage,
  key: string | null,
  headers: Record<string, string>,
): Promise<Outcome> {
  const { topic, partition, message, heartbeat, span } = inFlight;
  const route = rt.routes.get(topic);
  const where = `${topic}[${partition}]@${message.offset}`;
  if (!route) {
    // Cannot happen: we only subscribe to routed topics. Dead-letter rather than block or skip silently.
    return deadLetter(rt, inFlight, 1, `permanent: no handler for topic ${topic}`);
  }

  let event: EventEnvelope<object>;
  try {
    event = await decodeEvent(message, route);
  } catch (err) {
    return deadLetter(rt, inFlight, 1, `invalid: ${describeError(err)}`);
  }

  for (let attempt = 1; ; attempt += 1) {
    if (rt.stopSignal.aborted && attempt > 1) return 'abandoned';
    const meta: MessageMeta = {
      topic,
      partition,
      offset: message.offset,
      key,
      headers,
      timestamp: message.timestamp,
      attempt,
      signal: rt.handlerSignal,
    };
    try {
      // Everything the handler logs carries the store id (JsonLogger reads it from this context).
      const result = await withHeartbeat(rt, heartbeat, () =>
        withStoreContext(event.storeId, () => route.handler(event, meta)),
      );
      return result === 'done' ? 'handled' : 'abandoned';
    } catch (err) {
      span.recordException(err instanceof Error ? err : new Error(describeError(err)));
      const kind = classifyError(err);
      if (kind === 'permanent') {
        return deadLetter(rt, inFlight, attempt, `permanent: ${describeError(err)}`);
      }
      if (attempt >= rt.options.maxAttempts) {
        return deadLetter(
          rt,
          inFlight,
          attempt,
          `transient, gave up after ${attempt} attempts: ${describeError(err)}`,
        );
      }
      const delay = computeBackoff(attempt, {
        baseMs: rt.options.retryBaseMs,
        maxMs: rt.options.retryMaxMs ?? 30_000,
      });
      rt.logger.warn(
        `${where} attempt ${attempt}/${rt.options.maxAttempts} failed, retrying in ${delay} ms: ${describeError(err)}`,
      );
      messagingMetrics.retries.add(1, { topic });
      if (!(await waitBeforeRetry(rt, delay, heartbeat, where))) return 'abandoned';
    }
  }
}
