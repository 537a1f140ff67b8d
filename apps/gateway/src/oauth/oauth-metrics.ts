import { metrics } from '@app/observability';

/**
 * How an install attempt ended, one value per step that can refuse or fail:
 * `started` (install redirect issued), `connected`, `state_unknown`, `state_reused`, `state_expired`,
 * `denied` (merchant declined on Salla), `bad_request`, `token_rejected`, `salla_unavailable`,
 * `salla_malformed`, `publish_failed`, `state_store_unavailable`.
 */
export type InstallOutcome =
  | 'started'
  | 'connected'
  | 'state_unknown'
  | 'state_reused'
  | 'state_expired'
  | 'denied'
  | 'bad_request'
  | 'token_rejected'
  | 'salla_unavailable'
  | 'salla_malformed'
  | 'publish_failed'
  | 'state_store_unavailable';

/** `gateway.oauth.installs{outcome}` (Prometheus: `gateway_oauth_installs_total`). */
export const oauthInstalls = metrics.counter<{ outcome: InstallOutcome }>(
  'gateway.oauth.installs',
  'Custom-mode OAuth install steps by outcome',
);
