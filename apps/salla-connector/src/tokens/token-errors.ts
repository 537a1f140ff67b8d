/** Why a store cannot be called; none of these heals by retrying. */
export type StoreNotCallableReason =
  'uninstalled' | 'reauthorization_required' | 'no_tokens' | 'no_refresh_token';

/**
 * The connector must not call Salla for this store: the app was uninstalled, the merchant has to authorize it
 * again, we never received tokens, or the access token expired and there is no refresh token (no
 * `offline_access`). `permanent: true` makes the messaging lib dead-letter instead of retrying.
 */
export class StoreNotCallableError extends Error {
  readonly permanent = true as const;

  constructor(
    readonly storeId: string,
    readonly reason: StoreNotCallableReason,
  ) {
    super(`store ${storeId} cannot be called on Salla: ${describeNotCallable(reason)}`);
    this.name = 'StoreNotCallableError';
  }
}

/**
 * - `not_sent`: the token endpoint could not be reached (connection refused, unknown host): Salla never saw
 *   the refresh token, which stays usable.
 * - `refused`: Salla answered with an error other than `invalid_grant` (bad client credentials, rate limit):
 *   no tokens were issued, the refresh token stays usable.
 * - `outcome_unknown`: the request may have reached Salla (timeout, reset, 5xx); the refresh token is not
 *   used again, so the next attempt marks the store `reauthorization_required`.
 * - `busy`: another instance held the store's refresh lease longer than we were willing to wait.
 */
export type TokenRefreshFailure = 'not_sent' | 'refused' | 'outcome_unknown' | 'busy';

/** A refresh did not produce a token this time; transient (the message is retried). Never carries a secret. */
export class TokenRefreshFailedError extends Error {
  readonly permanent = false as const;

  constructor(
    readonly storeId: string,
    readonly failure: TokenRefreshFailure,
    detail: string,
  ) {
    super(`token refresh for store ${storeId} failed (${failure}): ${detail}`);
    this.name = 'TokenRefreshFailedError';
  }
}

export function describeNotCallable(reason: StoreNotCallableReason): string {
  switch (reason) {
    case 'uninstalled':
      return 'the app was uninstalled';
    case 'reauthorization_required':
      return 'the merchant must authorize the app again';
    case 'no_tokens':
      return 'no tokens were received for this store';
    case 'no_refresh_token':
      return 'the access token expired and there is no refresh token (offline_access not granted)';
  }
}
