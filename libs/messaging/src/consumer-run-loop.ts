import type { Consumer } from 'kafkajs';

import { computeBackoff, sleep } from './backoff';
import type { ConsumerRuntime, SetStatus } from './consumer-runtime';
import { describeError } from './errors';
import { processBatch } from './message-processing';
import { ensureTopics } from './topic-admin';

function createConsumer(rt: ConsumerRuntime): Consumer {
  const o = rt.options;
  return o.kafka.consumer({
    groupId: o.groupId,
    sessionTimeout: o.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: o.heartbeatIntervalMs ?? 3_000,
    rebalanceTimeout: o.rebalanceTimeoutMs ?? 60_000,
    maxWaitTimeInMs: o.maxWaitTimeMs ?? 1_000,
    allowAutoTopicCreation: false,
  });
}

/**
 * Creates topics, connects, subscribes and consumes until stop; whenever that fails or kafkajs crashes for
 * good, disconnects and starts over after a backoff. Returns once stopped and disconnected.
 */
export async function runConsumerLoop(rt: ConsumerRuntime, setStatus: SetStatus): Promise<void> {
  let failures = 0;
  const stopped = new Promise<'stop'>((resolve) => {
    rt.stopSignal.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  while (!rt.stopSignal.aborted) {
    setStatus('connecting');
    const consumer = createConsumer(rt);
    try {
      if (rt.options.ensureTopics && rt.options.ensureTopics.length > 0) {
        await ensureTopics(rt.options.kafka, rt.options.ensureTopics, rt.options.ensureTopicsOptions);
      }
      const crashed = watch(rt, consumer, setStatus);
      await consumer.connect();
      if (!rt.stopSignal.aborted) {
        await consumer.subscribe({
          topics: [...rt.routes.keys()],
          fromBeginning: rt.options.fromBeginning ?? true,
        });
        await consumer.run({
          autoCommit: false,
          // Never let kafkajs mark a batch as consumed on its own: we resolve offsets message by message.
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: rt.options.partitionsConsumedConcurrently ?? 3,
          eachBatch: (payload) => processBatch(rt, payload),
        });
        const reason = await Promise.race([crashed, stopped]);
        if (reason === 'crash') failures += 1;
        else failures = 0;
      }
    } catch (err) {
      failures += 1;
      setStatus('connecting', describeError(err));
      rt.logger.warn(`cannot consume yet (attempt ${failures}): ${describeError(err)}`);
    }
    // On stop this waits for the in-flight batches (kafkajs stop), then leaves the group and disconnects.
    await consumer.disconnect().catch((err: unknown) => {
      rt.logger.warn(`disconnect failed: ${describeError(err)}`);
    });
    if (rt.stopSignal.aborted) return;
    const delay = computeBackoff(failures, {
      baseMs: rt.options.reconnectBaseMs ?? 1_000,
      maxMs: rt.options.reconnectMaxMs ?? 30_000,
    });
    await sleep(delay, rt.stopSignal);
  }
}

/** Tracks group membership for `state`; resolves when kafkajs crashed and will not restart by itself. */
function watch(rt: ConsumerRuntime, consumer: Consumer, setStatus: SetStatus): Promise<'crash'> {
  consumer.on(consumer.events.GROUP_JOIN, () => setStatus('running'));
  return new Promise<'crash'>((resolve) => {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const message = describeError(payload.error);
      setStatus('connecting', message);
      if (payload.restart) {
        rt.logger.warn(`consumer crashed, kafkajs restarts it: ${message}`);
      } else {
        rt.logger.error(`consumer crashed, reconnecting: ${message}`);
        resolve('crash');
      }
    });
  });
}
