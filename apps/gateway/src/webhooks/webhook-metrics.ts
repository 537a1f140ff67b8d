import { metrics } from '@app/observability';

/** Why a delivery was refused (401) or found malformed (400); a low-cardinality label, never echoed to Salla. */
export type RejectReason =
  | 'missing-strategy'
  | 'unknown-strategy'
  | 'missing-signature'
  | 'bad-signature'
  | 'missing-token'
  | 'bad-token'
  | 'invalid-envelope'
  | 'too-large';

export type IntakeOutcome = 'accepted' | 'duplicate' | 'rejected' | 'ignored' | 'invalid' | 'unavailable';

/** Webhook intake counters and latency, served on the gateway's /metrics (Prometheus names in comments). */
export const webhookMetrics = {
  /** gateway_webhooks_accepted_total: published to Kafka and acknowledged, then answered 200. */
  accepted: metrics.counter(
    'gateway.webhooks.accepted',
    'Salla webhooks published to Kafka and answered 200',
  ),
  /** gateway_webhooks_duplicate_total: a retry of a delivery already published; nothing published again. */
  duplicate: metrics.counter('gateway.webhooks.duplicate', 'Salla webhook retries recognised by body hash'),
  /** gateway_webhooks_rejected_total{reason}: 401 (signature/token) or 400 (envelope). */
  rejected: metrics.counter<{ reason: RejectReason }>(
    'gateway.webhooks.rejected',
    'Salla webhooks refused: failed verification (401) or malformed envelope (400)',
  ),
  /** gateway_webhooks_ignored_total{event}: verified but not on the handled list; answered 200, not stored. */
  ignored: metrics.counter<{ event: string }>(
    'gateway.webhooks.ignored',
    'Verified Salla webhooks for events the integration does not handle',
  ),
  /** gateway_webhooks_erased_store_total{event}: a late webhook of an erased store; answered 200, not stored. */
  erasedStore: metrics.counter<{ event: string }>(
    'gateway.webhooks.erased_store',
    'Verified Salla webhooks of an erased (uninstalled) store, dropped without storing or sealing',
  ),
  /** gateway_webhooks_shed_total: answered 503 at once because WEBHOOK_MAX_IN_FLIGHT were being worked on. */
  shed: metrics.counter(
    'gateway.webhooks.shed',
    'Salla webhooks answered 503 (retry) because the gateway was at its in-flight limit',
  ),
  /** gateway_webhooks_unavailable_total: Kafka or Mongo could not take the delivery; answered 503. */
  unavailable: metrics.counter(
    'gateway.webhooks.unavailable',
    'Salla webhooks answered 503 so that Salla retries (Kafka or Mongo unavailable, or still in flight)',
  ),
  /** gateway_webhooks_intake_duration_seconds{outcome}: time from request to answer. */
  latency: metrics.histogram<{ outcome: IntakeOutcome }>(
    'gateway.webhooks.intake.duration',
    'Salla webhook intake time, request to answer',
    { unit: 's', boundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
  ),
};
