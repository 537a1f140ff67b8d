import { SpanStatusCode } from '@opentelemetry/api';

import { deadLetterTopicOf } from '@app/contracts';

import { computeBackoff } from './backoff';
import type { ConsumerRuntime, InFlightMessage, Outcome } from './consumer-runtime';
import { describeError } from './errors';
import { deadLetterHeaders } from './headers';
import { waitBeforeRetry } from './heartbeat';

/**
 * Writes the message to `<topic>.dlt` (same key and value bytes, all headers plus ours) and waits for the ack.
 * Keeps trying while Kafka refuses (heartbeating meanwhile); gives up only on shutdown ('abandoned': the
 * message stays uncommitted and comes back).
 */
export async function deadLetter(
  rt: ConsumerRuntime,
  { topic, partition, message, heartbeat, span }: InFlightMessage,
  attempts: number,
  reason: string,
): Promise<Outcome> {
  const dlt = deadLetterTopicOf(topic);
  const where = `${topic}[${partition}]@${message.offset}`;
  span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
  for (let tries = 1; ; tries += 1) {
    try {
      await rt.options.publisher.publishRaw(dlt, [
        {
          key: message.key,
          value: message.value,
          headers: deadLetterHeaders(message.headers, {
            reason,
            service: rt.options.service,
            sourceTopic: topic,
            sourcePartition: partition,
            sourceOffset: message.offset,
            attempts,
            failedAt: new Date(),
          }),
        },
      ]);
      rt.logger.error(`${where} dead-lettered to ${dlt} after ${attempts} attempt(s): ${reason}`);
      return 'dead-lettered';
    } catch (err) {
      if (rt.stopSignal.aborted) return 'abandoned';
      const delay = computeBackoff(tries, {
        baseMs: rt.options.retryBaseMs,
        maxMs: rt.options.retryMaxMs ?? 30_000,
      });
      rt.logger.error(`${where} cannot be dead-lettered yet (retry in ${delay} ms): ${describeError(err)}`);
      if (!(await waitBeforeRetry(rt, delay, heartbeat, where))) return 'abandoned';
    }
  }
}
