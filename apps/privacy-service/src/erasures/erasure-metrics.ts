import { metrics } from '@app/observability';

/** Alert on any increase: a store's data may still exist past its erasure deadline. */
export const erasureTimeouts = metrics.counter(
  'privacy.erasure.timeouts',
  'Erasure requests that did not get every service receipt in time',
);
export const erasureRetries = metrics.counter(
  'privacy.erasure.retries',
  'Erasure requests re-published to services that had not answered',
);
export const erasureOutcomes = metrics.counter<{ outcome: string }>(
  'privacy.erasure.outcomes',
  'Erasure requests closed, by outcome (completed or failed)',
);
/** Documents a late-write sweep removed, by service: handlers wrote for a store after its erasure. */
export const erasureLateWrites = metrics.counter<{ service: string }>(
  'privacy.erasure.late_writes',
  'Documents of an erased store found and removed by the late-write sweep, by service',
);
export const erasureDuration = metrics.histogram(
  'privacy.erasure.duration',
  'From receiving an erasure request to its completed receipt',
  { unit: 'ms', boundaries: [1000, 5000, 15_000, 30_000, 60_000, 300_000, 900_000] },
);
