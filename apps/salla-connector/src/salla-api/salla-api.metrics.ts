import { metrics } from '@app/observability';

/**
 * What ops watch for the Salla API. `route` is always templated (`/orders/:id`), so series stay few.
 * Alert on `salla_api_abuse_blocks_total`: Salla has blocked a store's calls, and the app risks being
 * throttled or delisted if it happens again.
 */
export const sallaApiMetrics = {
  /** salla_api_requests_total{method,route,status}: status is the HTTP status, or `timeout` / `network`. */
  requests: metrics.counter<{ method: string; route: string; status: string }>(
    'salla.api.requests',
    'HTTP requests sent to the Salla Merchant API, by answer',
  ),
  /** salla_api_request_duration_seconds{method,route}: one HTTP exchange, not counting limiter waits. */
  duration: metrics.histogram<{ method: string; route: string }>(
    // Named with its unit: the Prometheus exporter does not append one.
    'salla.api.request.duration.seconds',
    'Duration of one Salla API HTTP exchange (limiter waits excluded)',
    { unit: 's', boundaries: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30] },
  ),
  /** salla_api_rate_limited_total: 429 answers (our limiter should keep this near zero). */
  rateLimited: metrics.counter('salla.api.rate_limited', 'Salla API answers 429 Too Many Requests'),
  /** salla_api_abuse_blocks_total: temporary 403 abuse blocks; each pauses the store. */
  abuseBlocks: metrics.counter(
    'salla.api.abuse_blocks',
    'Salla API abuse blocks (temporary 403); alert on any',
  ),
  /** salla_api_retries_total: requests sent again after a 429, 5xx, timeout or dropped connection. */
  retries: metrics.counter('salla.api.retries', 'Salla API requests retried after a transient failure'),
};
