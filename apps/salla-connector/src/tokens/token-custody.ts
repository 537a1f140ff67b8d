import { randomUUID } from 'node:crypto';

import { Logger, type LoggerService } from '@nestjs/common';

import type { StoreAuthorized } from '@app/contracts';
import { backoffDelay, type MongoLeases } from '@app/persistence';

import { SallaTokenEndpoint } from './salla-token-endpoint';
import type { ReauthorizationReason, SallaTokenDocument } from './salla-token.schema';
import type { PlainTokenSet, SallaTokenVault, StoreTokensResult } from './salla-token-vault';
import { StoreNotCallableError, TokenRefreshFailedError } from './token-errors';
import { tokenFingerprint } from './token-fingerprint';

/** What the Salla API client needs (structurally identical to the one declared in ../salla-api). */
export interface SallaAccessTokens {
  accessTokenFor(storeId: string): Promise<string>;
  renewAfterUnauthorized(storeId: string, refusedToken: string): Promise<string>;
}

export interface TokenCustodyOptions {
  /** Salla's OAuth server, e.g. `https://accounts.salla.sa/oauth2`. */
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  /** Names this process in lease owners and refresh markers (pod name); not secret. */
  instanceId: string;
  /** Refresh when the access token expires within this. Default 3 days (tokens last 14). */
  refreshAheadMs?: number;
  /** How long one instance may hold a store's refresh lease. At least 2 × httpTimeoutMs. Default 60 s. */
  leaseTtlMs?: number;
  /** Longest wait for Salla's token endpoint. Default 10 s. */
  httpTimeoutMs?: number;
  /** How long a caller waits for another instance's refresh before giving up (transiently). Default leaseTtlMs + httpTimeoutMs. */
  maxWaitMs?: number;
  /** Told once per store when the merchant has to authorize the app again (wired to the activity log). */
  onReauthorizationRequired?: (storeId: string, reason: ReauthorizationReason) => void | Promise<void>;
  logger?: Pick<LoggerService, 'log' | 'warn' | 'error'>;
  clock?: () => Date;
}

/** Counts of one `refreshExpiring` sweep. */
export interface RefreshSweepResult {
  /** Active stores whose token expires within the ahead window. */
  due: number;
  /** Of those, how many hold a fresh token now (refreshed here, or by another instance meanwhile). */
  refreshed: number;
  /** Found uninstalled, needing reauthorization, or without a refresh token. */
  notCallable: number;
  /** Transient failures (Salla unreachable, lease busy); the next sweep tries again. */
  failed: number;
}

export const TOKEN_REFRESH_LEASE_PREFIX = 'salla-token-refresh:';
const DAY_MS = 24 * 3600_000;
/** A token this close to its expiry is treated as expired: clocks differ and calls take time. */
const EXPIRY_MARGIN_MS = 30_000;
const SWEEP_BATCH = 500;

/** Why the caller wants a new token: it expires soon, or Salla just refused the one we have. */
type Need = { kind: 'expiring' } | { kind: 'replace'; refusedFingerprint: string };

/** One pass through the refresh lease. */
type LeaseRound =
  | { kind: 'token'; token: string }
  /** Another instance holds the lease: wait and look again. */
  | { kind: 'busy' }
  /** The stored tokens changed while we looked: look again. */
  | { kind: 'retry' };

/**
 * Hands out the store's Salla access token and refreshes it exactly once across every instance.
 *
 * Salla refresh tokens are single-use: sending one twice makes Salla revoke every token of the store. So a
 * refresh runs only under the store's lease (`salla-token-refresh:<storeId>`), re-reads the tokens under it
 * (another instance may have refreshed already), and writes a marker "refresh attempted with refresh token F"
 * BEFORE calling Salla. A holder of the lease that finds such a marker for the current refresh token knows
 * that a refresh with it was sent and its answer never stored (its sender died, or the answer was lost), and
 * marks the store `reauthorization_required` instead of sending the token again. A dead sender and a slow one
 * look the same from here; a second use would get the slow one's fresh tokens revoked, whereas a store waiting
 * for reauthorization is visible (activity log) and recoverable: at most once beats a revocation.
 *
 * Token endpoint failures:
 * - `invalid_grant` → `reauthorization_required` (callback once), then `StoreNotCallableError`; later calls fail
 *   fast from the stored status without calling Salla.
 * - connection refused / unknown host (the request never left) and 4xx answers other than `invalid_grant`
 *   (Salla refused without issuing anything) → the marker is cleared, `TokenRefreshFailedError` (transient):
 *   the same refresh token is safe to send again later.
 * - timeout, reset after connecting, 5xx → the marker stays, `TokenRefreshFailedError('outcome_unknown')`
 *   now; the next attempt finds the marker and marks the store `reauthorization_required`. We cannot prove
 *   Salla did not spend the token, so it is never sent twice.
 *
 * Token values and the client secret never reach a log line or an error message.
 */
export class TokenCustody implements SallaAccessTokens {
  readonly #endpoint: SallaTokenEndpoint;
  readonly #refreshAheadMs: number;
  readonly #leaseTtlMs: number;
  readonly #maxWaitMs: number;
  readonly #instanceId: string;
  readonly #onReauthorizationRequired: TokenCustodyOptions['onReauthorizationRequired'];
  readonly #logger: Pick<LoggerService, 'log' | 'warn' | 'error'>;
  readonly #clock: () => Date;
  /** One lease round per store at a time in this process; concurrent callers share it. */
  readonly #inflight = new Map<string, Promise<LeaseRound>>();

  constructor(
    private readonly vault: SallaTokenVault,
    private readonly leases: MongoLeases,
    options: TokenCustodyOptions,
  ) {
    const httpTimeoutMs = positive(options.httpTimeoutMs ?? 10_000, 'httpTimeoutMs');
    this.#leaseTtlMs = positive(options.leaseTtlMs ?? 60_000, 'leaseTtlMs');
    if (this.#leaseTtlMs < 2 * httpTimeoutMs) {
      // The lease must outlive the call, or a slow call would let a second instance in while it runs.
      throw new Error('TokenCustody: leaseTtlMs must be at least twice httpTimeoutMs');
    }
    this.#refreshAheadMs = positive(options.refreshAheadMs ?? 3 * DAY_MS, 'refreshAheadMs');
    this.#maxWaitMs = positive(options.maxWaitMs ?? this.#leaseTtlMs + httpTimeoutMs, 'maxWaitMs');
    for (const field of ['oauthUrl', 'clientId', 'clientSecret', 'instanceId'] as const) {
      if (typeof options[field] !== 'string' || options[field].trim() === '')
        throw new Error(`TokenCustody: ${field} is required`);
    }
    this.#endpoint = new SallaTokenEndpoint({
      oauthUrl: options.oauthUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      timeoutMs: httpTimeoutMs,
    });
    this.#instanceId = options.instanceId;
    this.#onReauthorizationRequired = options.onReauthorizationRequired;
    this.#logger = options.logger ?? new Logger(TokenCustody.name);
    this.#clock = options.clock ?? (() => new Date());
  }

  /**
   * The store's current access token, refreshed first when it expires within the ahead window. If that
   * refresh fails transiently while the current token is still valid, the current token is returned (the
   * next call tries again). Throws `StoreNotCallableError` when the store cannot be called at all.
   */
  async accessTokenFor(storeId: string): Promise<string> {
    const doc = await this.#callable(storeId);
    if (!this.#expiresSoon(doc)) return this.vault.openAccessToken(doc);
    try {
      return await this.#fresh(storeId, { kind: 'expiring' });
    } catch (err) {
      if (!(err instanceof TokenRefreshFailedError) || !this.#stillValid(doc)) throw err;
      this.#logger.warn({
        msg: 'token refresh failed; using the current token until it expires',
        storeId,
        failure: err.failure,
        expiresAt: doc.expiresAt?.toISOString(),
      });
      return this.vault.openAccessToken(doc);
    }
  }

  /**
   * Salla answered 401 to `refusedToken`. If the stored token is another (newer) one, that one is returned;
   * otherwise the token is refreshed under the same protocol.
   */
  async renewAfterUnauthorized(storeId: string, refusedToken: string): Promise<string> {
    return this.#fresh(storeId, { kind: 'replace', refusedFingerprint: tokenFingerprint(refusedToken) });
  }

  /**
   * Easy mode (`app.store.authorize`, on install and after every app update): creates or replaces the store's
   * tokens, sealed, and makes the store callable again (a reinstall revives it). See `SallaTokenVault.store`.
   */
  store(storeId: string, tokens: PlainTokenSet): Promise<StoreTokensResult> {
    return this.vault.store(storeId, tokens);
  }

  /** Custom mode: the gateway's `StoreAuthorized` payload (tokens sealed); both must open, or nothing is stored. */
  storeSealed(storeId: string, payload: StoreAuthorized): Promise<StoreTokensResult> {
    return this.vault.storeSealed(storeId, payload);
  }

  /** Uninstall: the sealed tokens are deleted at once; a token-less tombstone keeps every call from reaching Salla. */
  markUninstalled(storeId: string): Promise<void> {
    return this.vault.markUninstalled(storeId);
  }

  /** For a periodic sweep: refreshes every active store whose token expires within the ahead window. */
  async refreshExpiring(now: Date = this.#clock()): Promise<RefreshSweepResult> {
    const cutoff = new Date(now.getTime() + this.#refreshAheadMs);
    const storeIds = await this.vault.repository.storesExpiringBefore(cutoff, SWEEP_BATCH);
    const result: RefreshSweepResult = { due: storeIds.length, refreshed: 0, notCallable: 0, failed: 0 };
    for (const storeId of storeIds) {
      try {
        await this.#fresh(storeId, { kind: 'expiring' });
        result.refreshed += 1;
      } catch (err) {
        if (err instanceof StoreNotCallableError) {
          result.notCallable += 1;
        } else {
          result.failed += 1;
          this.#logger.warn({ msg: 'scheduled token refresh failed', storeId, error: describe(err) });
        }
      }
    }
    return result;
  }

  /** Loops until the stored token meets `need`: takes the lease and refreshes, or waits for whoever has it. */
  async #fresh(storeId: string, need: Need): Promise<string> {
    const deadline = this.#clock().getTime() + this.#maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      const doc = await this.#callable(storeId);
      if (this.#satisfies(doc, need)) return this.vault.openAccessToken(doc);
      if (!doc.refreshToken) {
        if (need.kind === 'expiring' && this.#stillValid(doc)) return this.vault.openAccessToken(doc);
        throw new StoreNotCallableError(storeId, 'no_refresh_token');
      }
      const round = await this.#leaseRound(storeId, need);
      if (round.kind === 'token') return round.token;
      const left = deadline - this.#clock().getTime();
      if (left <= 0) {
        throw new TokenRefreshFailedError(
          storeId,
          'busy',
          `another instance held the refresh lease for more than ${this.#maxWaitMs} ms`,
        );
      }
      const pause = Math.min(left, backoffDelay(attempt, { initialDelayMs: 100, maxDelayMs: 2_000 }));
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Joins this process's running round for the store (then looks again), or runs one. */
  async #leaseRound(storeId: string, need: Need): Promise<LeaseRound> {
    const running = this.#inflight.get(storeId);
    if (running) {
      await running; // its failure is ours too: the same refresh would fail the same way
      return { kind: 'retry' };
    }
    const round = this.#refreshUnderLease(storeId, need);
    this.#inflight.set(storeId, round);
    try {
      return await round;
    } finally {
      if (this.#inflight.get(storeId) === round) this.#inflight.delete(storeId);
    }
  }

  async #refreshUnderLease(storeId: string, need: Need): Promise<LeaseRound> {
    const key = `${TOKEN_REFRESH_LEASE_PREFIX}${storeId}`;
    const owner = `${this.#instanceId}:${randomUUID()}`;
    if (!(await this.leases.tryAcquire(key, owner, this.#leaseTtlMs))) return { kind: 'busy' };
    try {
      return await this.#refreshHoldingLease(storeId, need, owner);
    } finally {
      await this.leases.release(key, owner).catch((err: unknown) => {
        // It expires by itself; the next refresh of this store merely waits for that.
        this.#logger.warn({
          msg: 'could not release the token refresh lease',
          storeId,
          error: describe(err),
        });
      });
    }
  }

  async #refreshHoldingLease(storeId: string, need: Need, owner: string): Promise<LeaseRound> {
    const doc = await this.#callable(storeId);
    // Another instance may have refreshed while we waited for the lease: use its token, spend nothing.
    if (this.#satisfies(doc, need)) return { kind: 'token', token: await this.vault.openAccessToken(doc) };
    const fingerprint = doc.refreshTokenFingerprint;
    if (!doc.refreshToken || !fingerprint) return { kind: 'retry' };
    if (doc.refreshAttempt?.refreshTokenFingerprint === fingerprint) {
      // We hold the lease, so the instance that sent this refresh token no longer does, and its answer was
      // never stored. Sending the token again could get every token of the store revoked.
      throw await this.#requireReauthorization(storeId, fingerprint, 'refresh_outcome_unknown');
    }
    const refreshToken = await this.vault.openRefreshToken(doc);
    const marked = await this.vault.repository.markRefreshAttempt(storeId, {
      refreshTokenFingerprint: fingerprint,
      startedAt: this.#clock(),
      by: owner,
    });
    if (!marked) return { kind: 'retry' }; // new tokens or an uninstall arrived meanwhile

    const outcome = await this.#endpoint.refresh(refreshToken, this.#clock);
    switch (outcome.kind) {
      case 'issued': {
        const sealed = await this.vault.seal(storeId, outcome.tokens);
        const spent = doc.spentRefreshFingerprints ?? [];
        const saved = await this.vault.repository.saveRefreshed(
          storeId,
          fingerprint,
          spent,
          sealed,
          this.#clock(),
        );
        if (!saved) {
          this.#logger.warn({
            msg: 'refreshed tokens not stored: the store got other tokens or was uninstalled',
            storeId,
          });
          return { kind: 'retry' };
        }
        this.#logger.log({
          msg: 'access token refreshed',
          storeId,
          expiresAt: outcome.tokens.expiresAt.toISOString(),
        });
        return { kind: 'token', token: outcome.tokens.accessToken };
      }
      case 'invalid_grant':
        throw await this.#requireReauthorization(storeId, fingerprint, 'invalid_grant');
      case 'unusable':
        this.#logger.error({
          msg: 'token endpoint answered without usable tokens',
          storeId,
          detail: outcome.detail,
        });
        throw await this.#requireReauthorization(storeId, fingerprint, 'refresh_answer_unusable');
      case 'refused':
      case 'not_sent':
        // Nothing was issued, so the refresh token is as good as before: let the next attempt send it.
        await this.vault.repository.clearRefreshAttempt(storeId, fingerprint);
        this.#logger.warn({ msg: 'token refresh failed; will retry', storeId, detail: outcome.detail });
        throw new TokenRefreshFailedError(storeId, outcome.kind, outcome.detail);
      case 'unknown':
        // The marker stays: the next lease holder turns it into reauthorization_required.
        this.#logger.error({
          msg: 'token refresh outcome unknown; the refresh token will not be sent again',
          storeId,
          detail: outcome.detail,
        });
        throw new TokenRefreshFailedError(storeId, 'outcome_unknown', outcome.detail);
    }
  }

  /** Marks the store and tells the callback (only the call that changed the status does). */
  async #requireReauthorization(
    storeId: string,
    refreshTokenFingerprint: string,
    reason: ReauthorizationReason,
  ): Promise<StoreNotCallableError> {
    const changed = await this.vault.repository.markReauthorizationRequired(
      storeId,
      refreshTokenFingerprint,
      reason,
      this.#clock(),
    );
    if (changed) {
      this.#logger.warn({ msg: 'store needs the merchant to authorize the app again', storeId, reason });
      try {
        await this.#onReauthorizationRequired?.(storeId, reason);
      } catch (err) {
        this.#logger.error({ msg: 'onReauthorizationRequired failed', storeId, error: describe(err) });
      }
    }
    return new StoreNotCallableError(storeId, 'reauthorization_required');
  }

  /** The store's token document if the store may be called; otherwise `StoreNotCallableError`. */
  async #callable(storeId: string): Promise<SallaTokenDocument> {
    const doc = await this.vault.read(storeId);
    if (!doc) throw new StoreNotCallableError(storeId, 'no_tokens');
    if (doc.status === 'uninstalled') throw new StoreNotCallableError(storeId, 'uninstalled');
    if (doc.status === 'reauthorization_required')
      throw new StoreNotCallableError(storeId, 'reauthorization_required');
    if (!doc.accessToken) throw new StoreNotCallableError(storeId, 'no_tokens');
    return doc;
  }

  #satisfies(doc: SallaTokenDocument, need: Need): boolean {
    if (need.kind === 'expiring') return !this.#expiresSoon(doc);
    return doc.accessTokenFingerprint !== need.refusedFingerprint && this.#stillValid(doc);
  }

  #expiresSoon(doc: SallaTokenDocument): boolean {
    return !doc.expiresAt || doc.expiresAt.getTime() - this.#clock().getTime() <= this.#refreshAheadMs;
  }

  #stillValid(doc: SallaTokenDocument): boolean {
    return !!doc.expiresAt && doc.expiresAt.getTime() - this.#clock().getTime() > EXPIRY_MARGIN_MS;
  }
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new Error(`TokenCustody: ${name} must be a positive number of milliseconds`);
  return value;
}

/** An error's class and message; ours never carry secrets, and the driver's do not see tokens. */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
