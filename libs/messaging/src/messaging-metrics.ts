import { metrics } from '@app/observability';

/**
 * What ops watch on a dashboard: how many messages each topic's consumer handled, parked in a dead-letter
 * topic or left for redelivery, how often handlers needed a retry, how long they took, and publish failures.
 */
export const messagingMetrics = {
  consumed: metrics.counter<{ topic: string; outcome: string }>(
    'messaging.consumer.messages',
    'Messages finished by the consumer, by outcome (handled, dead-lettered, abandoned = left for redelivery)',
  ),
  retries: metrics.counter<{ topic: string }>(
    'messaging.consumer.retries',
    'Handler attempts that failed transiently and were retried after a backoff',
  ),
  duration: metrics.histogram<{ topic: string; outcome: string }>(
    'messaging.consumer.process.duration',
    'Time from taking a message to its outcome, retries and dead-lettering included',
    { unit: 's', boundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
  ),
  published: metrics.counter<{ topic: string; outcome: string }>(
    'messaging.producer.messages',
    'Messages sent to the broker, by outcome (acked, failed)',
  ),
};
