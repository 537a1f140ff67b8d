import { SALLA_ACCESS_TOKEN_AAD, SALLA_REFRESH_TOKEN_AAD, type StoreAuthorized } from '@app/contracts';
import type { CryptoService } from '@app/crypto';

import type { SealedTokenSet, SallaTokenRepository } from './salla-token.repository';
import type { SallaTokenDocument } from './salla-token.schema';
import { tokenFingerprint } from './token-fingerprint';

/** Tokens in the clear, as Salla hands them over (easy mode's `app.store.authorize`, or a refresh). */
export interface PlainTokenSet {
  accessToken: string;
  /** Absent without `offline_access`. */
  refreshToken?: string;
  expiresAt: Date;
  scopes: string[];
}

export type StoreTokensResult =
  | { stored: true }
  /** The refresh token was already spent here: a replay of an older authorization, ignored. */
  | { stored: false; reason: 'refresh_token_already_spent' };

/**
 * Keeps the store's Salla tokens sealed at rest (store data key, `SALLA_*_TOKEN_AAD`): writes them on install
 * and authorization, forgets them on uninstall, and opens them for the custody. Plaintext tokens exist only in
 * memory, only as long as a call needs them.
 */
export class SallaTokenVault {
  constructor(
    readonly repository: SallaTokenRepository,
    private readonly crypto: CryptoService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Creates or replaces the store's tokens and makes the store callable again (a reinstall revives an
   * `uninstalled` or `reauthorization_required` store). Salla sends tokens on install and after every app
   * update; a replay carrying a refresh token that was already spent is ignored, because storing it would make
   * the next refresh reuse it and get every token of the store revoked.
   */
  async store(storeId: string, tokens: PlainTokenSet): Promise<StoreTokensResult> {
    checkPlain(tokens);
    const sealed: SealedTokenSet = {
      accessToken: await this.crypto.encrypt(storeId, tokens.accessToken, SALLA_ACCESS_TOKEN_AAD),
      accessTokenFingerprint: tokenFingerprint(tokens.accessToken),
      expiresAt: tokens.expiresAt,
      scopes: [...tokens.scopes],
    };
    if (tokens.refreshToken) {
      sealed.refreshToken = await this.crypto.encrypt(storeId, tokens.refreshToken, SALLA_REFRESH_TOKEN_AAD);
      sealed.refreshTokenFingerprint = tokenFingerprint(tokens.refreshToken);
    }
    return this.#save(storeId, sealed);
  }

  /**
   * Custom mode: the gateway's `store.lifecycle.authorized.v1` payload, tokens already sealed for this store.
   * Both are opened first (wrong store, wrong label or a tampered blob throws the crypto lib's error and
   * nothing is stored), then kept as sealed.
   */
  async storeSealed(storeId: string, payload: StoreAuthorized): Promise<StoreTokensResult> {
    const accessToken = await this.crypto.decryptString(storeId, payload.accessToken, SALLA_ACCESS_TOKEN_AAD);
    const refreshToken = payload.refreshToken
      ? await this.crypto.decryptString(storeId, payload.refreshToken, SALLA_REFRESH_TOKEN_AAD)
      : undefined;
    const expiresAt = new Date(payload.expiresAt);
    checkPlain({ accessToken, refreshToken, expiresAt, scopes: payload.scopes });
    return this.#save(storeId, {
      accessToken: payload.accessToken,
      accessTokenFingerprint: tokenFingerprint(accessToken),
      ...(payload.refreshToken && refreshToken
        ? { refreshToken: payload.refreshToken, refreshTokenFingerprint: tokenFingerprint(refreshToken) }
        : {}),
      expiresAt,
      scopes: [...payload.scopes],
    });
  }

  /**
   * The app was uninstalled: the sealed tokens are deleted at once (the privacy policy deletes every
   * connection setting on uninstall) and a token-less `uninstalled` tombstone stays, so nothing calls Salla for
   * the store again until a reinstall brings new tokens through `store`.
   */
  async markUninstalled(storeId: string): Promise<void> {
    await this.repository.markUninstalled(storeId, this.clock());
  }

  /** The store's token document (sealed), or null. */
  read(storeId: string): Promise<SallaTokenDocument | null> {
    return this.repository.get(storeId);
  }

  async openAccessToken(doc: SallaTokenDocument): Promise<string> {
    if (!doc.accessToken) throw new Error(`store ${doc.storeId}: no access token to open`);
    return this.crypto.decryptString(doc.storeId, doc.accessToken, SALLA_ACCESS_TOKEN_AAD);
  }

  async openRefreshToken(doc: SallaTokenDocument): Promise<string> {
    if (!doc.refreshToken) throw new Error(`store ${doc.storeId}: no refresh token to open`);
    return this.crypto.decryptString(doc.storeId, doc.refreshToken, SALLA_REFRESH_TOKEN_AAD);
  }

  /** Seals a refresh's answer for `saveRefreshed`. */
  async seal(storeId: string, tokens: PlainTokenSet): Promise<SealedTokenSet> {
    checkPlain(tokens);
    return {
      accessToken: await this.crypto.encrypt(storeId, tokens.accessToken, SALLA_ACCESS_TOKEN_AAD),
      accessTokenFingerprint: tokenFingerprint(tokens.accessToken),
      ...(tokens.refreshToken
        ? {
            refreshToken: await this.crypto.encrypt(storeId, tokens.refreshToken, SALLA_REFRESH_TOKEN_AAD),
            refreshTokenFingerprint: tokenFingerprint(tokens.refreshToken),
          }
        : {}),
      expiresAt: tokens.expiresAt,
      scopes: [...tokens.scopes],
    };
  }

  async #save(storeId: string, sealed: SealedTokenSet): Promise<StoreTokensResult> {
    if (sealed.refreshTokenFingerprint) {
      const current = await this.repository.get(storeId);
      if (current?.spentRefreshFingerprints?.includes(sealed.refreshTokenFingerprint)) {
        return { stored: false, reason: 'refresh_token_already_spent' };
      }
    }
    await this.repository.saveTokens(storeId, sealed, this.clock());
    return { stored: true };
  }
}

/** Shape checks that name the field, never its value. */
function checkPlain(tokens: PlainTokenSet): void {
  if (typeof tokens.accessToken !== 'string' || tokens.accessToken === '')
    throw new TypeError('tokens: accessToken must be a non-empty string');
  if (
    tokens.refreshToken !== undefined &&
    (typeof tokens.refreshToken !== 'string' || tokens.refreshToken === '')
  )
    throw new TypeError('tokens: refreshToken must be a non-empty string when present');
  if (!(tokens.expiresAt instanceof Date) || Number.isNaN(tokens.expiresAt.getTime()))
    throw new TypeError('tokens: expiresAt must be a valid Date');
  if (!Array.isArray(tokens.scopes) || tokens.scopes.some((s) => typeof s !== 'string'))
    throw new TypeError('tokens: scopes must be an array of strings');
}
