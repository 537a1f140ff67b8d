import { Injectable, Logger } from '@nestjs/common';

import {
  SALLA_ACCESS_TOKEN_AAD,
  SALLA_REFRESH_TOKEN_AAD,
  StoreAuthorized,
  Topic,
  keyFor,
  validateEvent,
} from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';
import { StoreErasureGuard } from '@app/privacy-participant';

import { installPages, type InstallPage } from './install-pages';
import { oauthInstalls, type InstallOutcome } from './oauth-metrics';
import { OAuthStateRepository, type StateCheck } from './oauth-state.repository';
import { SallaOAuthClient } from './salla-oauth.client';
import { SallaOAuthError } from './salla-oauth.errors';
import type { SallaTokenSet } from './salla-oauth.responses';
import { describe } from './start-install.use-case';

/** Query of `GET /oauth/salla/callback` as Fastify parsed it (repeated parameters arrive as arrays). */
export interface CallbackQuery {
  code?: unknown;
  state?: unknown;
  error?: unknown;
}

const STATE_OUTCOME: Record<Exclude<StateCheck, 'consumed'>, InstallOutcome> = {
  unknown: 'state_unknown',
  reused: 'state_reused',
  expired: 'state_expired',
};

/**
 * `GET /oauth/salla/callback`: state check (consumed atomically), one code exchange, user info for the
 * merchant id, tokens sealed with the store's data key, `StoreAuthorized` published and acknowledged by the
 * broker — only then the confirmation page.
 *
 * Unknown states are refused. Installs started from the Salla App Store arrive with a state Salla made up,
 * which we cannot tell apart from a forged one; accepting them would make the state check meaningless. The
 * refusal page links to our install route, which restarts the flow with a state of ours (the merchant has
 * already approved the app on Salla, so that second round is one click). Published apps use easy mode, where
 * tokens come in the `app.store.authorize` webhook and this route is not involved.
 */
@Injectable()
export class CompleteInstallUseCase {
  private readonly logger = new Logger(CompleteInstallUseCase.name);

  constructor(
    private readonly states: OAuthStateRepository,
    private readonly salla: SallaOAuthClient,
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
    private readonly erasure: StoreErasureGuard,
  ) {}

  async execute(query: CallbackQuery): Promise<InstallPage> {
    const { page, outcome } = await this.run(query);
    oauthInstalls.add(1, { outcome });
    return page;
  }

  private async run(
    query: CallbackQuery,
  ): Promise<{ page: InstallPage; outcome: InstallOutcome; storeId?: string }> {
    // The merchant declined on Salla (`?error=access_denied&state=…`): spend the state, connect nothing.
    if (query.error !== undefined) {
      await this.states.consume(query.state).catch(() => undefined);
      this.logger.log({ msg: 'custom-mode install declined on Salla' });
      return { page: installPages.denied(), outcome: 'denied' };
    }
    const code = query.code;
    if (typeof code !== 'string' || code === '' || code.length > 2048 || query.state === undefined) {
      this.logger.warn({ msg: 'OAuth callback without a usable code or state' });
      return { page: installPages.badRequest(), outcome: 'bad_request' };
    }

    let check: StateCheck;
    try {
      check = await this.states.consume(query.state);
    } catch (err) {
      this.logger.warn({ msg: 'could not check the OAuth state', error: describe(err) });
      return { page: installPages.tryAgain(), outcome: 'state_store_unavailable' };
    }
    if (check !== 'consumed') {
      // The code is not exchanged: it may belong to someone else's flow.
      this.logger.warn({ msg: 'OAuth callback refused', reason: `state ${check}` });
      return { page: installPages.stateRefused(), outcome: STATE_OUTCOME[check] };
    }

    let tokens: SallaTokenSet;
    let merchant: { merchantId: string; storeName?: string; scopes: string[] };
    try {
      tokens = await this.salla.exchangeCode(code);
      merchant = await this.salla.userInfo(tokens.accessToken);
    } catch (err) {
      return this.sallaFailure(err);
    }
    const storeId = merchant.merchantId;

    try {
      // A merchant reinstalling after an erasure: lift it first, or sealing the tokens would meet a store
      // every service still refuses (and the webhooks that follow would be dropped as an erased store's).
      await this.erasure.markReinstalled(storeId, new Date());
      await this.publishAuthorized(storeId, tokens, merchant.scopes);
    } catch (err) {
      // The tokens are lost with this request (the code was single-use): the merchant starts again.
      this.logger.error({ msg: 'StoreAuthorized not published', storeId, error: describe(err) });
      return { page: installPages.tryAgain(), outcome: 'publish_failed', storeId };
    }
    this.logger.log({ msg: 'store connected through custom-mode OAuth', storeId });
    return { page: installPages.connected(merchant.storeName), outcome: 'connected', storeId };
  }

  private sallaFailure(err: unknown): { page: InstallPage; outcome: InstallOutcome } {
    if (!(err instanceof SallaOAuthError)) {
      this.logger.error({ msg: 'custom-mode install failed', error: describe(err) });
      return { page: installPages.sallaUnavailable(), outcome: 'salla_unavailable' };
    }
    this.logger.warn({ msg: 'Salla OAuth call failed', failure: err.failure, error: err.message });
    switch (err.failure) {
      case 'rejected':
        return { page: installPages.tokenRejected(), outcome: 'token_rejected' };
      case 'malformed':
        return { page: installPages.sallaUnavailable(), outcome: 'salla_malformed' };
      default:
        return { page: installPages.sallaUnavailable(), outcome: 'salla_unavailable' };
    }
  }

  /** Seals the tokens for the store and publishes; resolves only after the broker's ack. */
  private async publishAuthorized(
    storeId: string,
    tokens: SallaTokenSet,
    userScopes: string[],
  ): Promise<void> {
    const payload: StoreAuthorized = {
      accessToken: await this.crypto.encrypt(storeId, tokens.accessToken, SALLA_ACCESS_TOKEN_AAD),
      refreshToken: tokens.refreshToken
        ? await this.crypto.encrypt(storeId, tokens.refreshToken, SALLA_REFRESH_TOKEN_AAD)
        : undefined,
      expiresAt: tokens.expiresAt.toISOString(),
      scopes: tokens.scopes.length > 0 ? tokens.scopes : userScopes,
      tokenType: tokens.tokenType,
    };
    if (payload.refreshToken === undefined) delete payload.refreshToken;
    const envelope = newEnvelope(Topic.StoreAuthorized, storeId, payload);
    // A message the connector would dead-letter is better refused here, while the merchant is still around.
    const checked = await validateEvent(
      JSON.parse(JSON.stringify(envelope)),
      StoreAuthorized,
      Topic.StoreAuthorized,
    );
    if (!checked.ok) throw new Error(`StoreAuthorized would be invalid: ${checked.problems.join('; ')}`);
    await this.publisher.publish(Topic.StoreAuthorized, envelope, { key: keyFor(storeId) });
  }
}
