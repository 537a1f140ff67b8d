import { SpanKind, trace } from '@opentelemetry/api';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';

import type { EventEnvelope } from '@app/contracts';
import { withStoreContext } from '@app/observability';

import { computeBackoff } from './backoff';
import { recordConsumerLag } from './consumer-lag';
import type { ConsumerRuntime, InFlightMessage, Outcome } from './consumer-runtime';
import type { MessageMeta } from './consumer-types';
import { deadLetter } from './dead-letter';
import { decodeEvent } from './decode-event';
import { classifyError, describeError } from './errors';
import { decodeHeaders } from './headers';
import { waitBeforeRetry, withHeartbeat } from './heartbeat';
import { messagingMetrics } from './messaging-metrics';
import { contextFromHeaders, TRACER_NAME } from './tracing';

const tracer = trace.getTracer(TRACER_NAME);

/** kafkajs `eachBatch`: the partition's messages one at a time, each committed once it is durable. */
export async function processBatch(
  rt: ConsumerRuntime,
  { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload,
): Promise<void> {
  const { topic, partition } = batch;
  for (const message of batch.messages) {
    if (!isRunning() || isStale() || rt.stopSignal.aborted) return;
    const outcome = await processMessage(rt, topic, partition, message, heartbeat);
    if (outcome === 'abandoned') return;
    // Durable (handled, or dead letter acked): commit this message before touching the next one.
    await commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: (BigInt(message.offset) + 1n).toString() }] }],
    });
    resolveOffset(message.offset);
    recordConsumerLag(rt.options.groupId, topic, partition, batch.highWatermark, BigInt(message.offset) + 1n);
    // Unguarded on purpose: a rebalance error here makes kafkajs rejoin the group now.
    await heartbeat();
  }
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
