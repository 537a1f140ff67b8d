/**
 * Why talking to Salla's OAuth server failed. Messages never contain a code, a token or the client secret.
 * - `rejected`: Salla answered and said no (e.g. `invalid_grant`: the code expired or was used already);
 *   retrying the same code cannot help, the merchant has to start the install again.
 * - `unavailable`: no answer in time, a network error or a 5xx; trying again later may work.
 * - `malformed`: Salla answered 2xx with something we cannot use (no access token, no merchant id…).
 */
export type SallaOAuthFailure = 'rejected' | 'unavailable' | 'malformed';

export class SallaOAuthError extends Error {
  constructor(
    readonly failure: SallaOAuthFailure,
    message: string,
    /** OAuth error code from Salla's answer (`invalid_grant`, `invalid_client`, …) when there was one. */
    readonly oauthError?: string,
  ) {
    super(message);
    this.name = 'SallaOAuthError';
  }
}
