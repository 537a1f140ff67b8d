import { metrics } from '@app/observability';

/**
 * messaging_consumer_lag{group,topic,partition}: messages on a partition this consumer owns that it has not
 * processed yet (high watermark − next offset), as of the last message it committed there. A gauge for
 * dashboards and alerts; autoscaling (KEDA) reads the same lag from the broker instead.
 *
 * The observability lib offers no synchronous gauge, so an up-down counter carries it: each update adds the
 * difference to the last value reported for that partition (Prometheus shows a non-monotonic sum as a gauge).
 * A partition moved to another pod by a rebalance keeps its last value here until this pod sees it again.
 */
const lagGauge = metrics.upDownCounter<{ group: string; topic: string; partition: string }>(
  'messaging.consumer.lag',
  'Messages not yet processed on a partition this consumer owns, as of its last committed message',
  { unit: '{message}' },
);

const lastReported = new Map<string, number>();

/** Reports the lag after the message at `nextOffset - 1` was committed; `highWatermark` as kafkajs gives it. */
export function recordConsumerLag(
  group: string,
  topic: string,
  partition: number,
  highWatermark: string,
  nextOffset: bigint,
): void {
  const lag = Math.max(0, Number(BigInt(highWatermark) - nextOffset));
  const key = `${group}\u0000${topic}\u0000${partition}`;
  const previous = lastReported.get(key);
  if (previous === lag) return;
  lastReported.set(key, lag);
  lagGauge.add(lag - (previous ?? 0), { group, topic, partition: String(partition) });
}
