import { randomBytes } from 'node:crypto';

/** What the `app.store.authorize` webhook carries (and the token endpoint answers), camel-cased. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Unix seconds at which the access token expires (absolute, as Salla's `expires`). */
  expires: number;
  scope: string;
}

interface AccessGrant {
  storeId: string;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshGrant {
  storeId: string;
  expiresAt: number;
  used: boolean;
  revoked: boolean;
  /** The access token issued together with it; refreshing revokes it (as Salla's OAuth server does). */
  accessToken: string;
}

export type RefreshOutcome =
  | { ok: true; tokens: IssuedTokens; storeId: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused'; storeId?: string };

export type AccessCheck =
  { ok: true; storeId: string } | { ok: false; reason: 'unknown' | 'expired' | 'revoked'; storeId?: string };

const opaque = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

/**
 * Every token and authorization code the simulated OAuth server issued. Refresh tokens are single use: the
 * second presentation of one is treated as theft, as Salla does, and revokes every token of that store.
 */
export class TokenRegistry {
  private readonly access = new Map<string, AccessGrant>();
  private readonly refresh = new Map<string, RefreshGrant>();
  private readonly codes = new Map<string, { storeId: string; expiresAt: number; used: boolean }>();

  constructor(
    private readonly settings: {
      now: () => number;
      scope: string;
      refreshTokenTtlSec: number;
      revokeAccessTokenOnRefresh: boolean;
    },
  ) {}

  issue(storeId: string, expiresInSec: number): IssuedTokens {
    const now = this.settings.now();
    const accessToken = opaque('ory_at_');
    const refreshToken = opaque('ory_rt_');
    const expiresAt = now + expiresInSec * 1000;
    this.access.set(accessToken, { storeId, expiresAt, revoked: false });
    this.refresh.set(refreshToken, {
      storeId,
      expiresAt: now + this.settings.refreshTokenTtlSec * 1000,
      used: false,
      revoked: false,
      accessToken,
    });
    return { accessToken, refreshToken, expires: Math.floor(expiresAt / 1000), scope: this.settings.scope };
  }

  issueCode(storeId: string): string {
    const code = opaque('ory_ac_');
    this.codes.set(code, { storeId, expiresAt: this.settings.now() + 10 * 60_000, used: false });
    return code;
  }

  /** Single use; a code that is unknown, used or older than ten minutes yields undefined. */
  redeemCode(code: string): string | undefined {
    const grant = this.codes.get(code);
    if (!grant || grant.used || grant.expiresAt <= this.settings.now()) return undefined;
    grant.used = true;
    return grant.storeId;
  }

  checkAccess(token: string): AccessCheck {
    const grant = this.access.get(token);
    if (!grant) return { ok: false, reason: 'unknown' };
    if (grant.revoked) return { ok: false, reason: 'revoked', storeId: grant.storeId };
    if (grant.expiresAt <= this.settings.now())
      return { ok: false, reason: 'expired', storeId: grant.storeId };
    return { ok: true, storeId: grant.storeId };
  }

  /** Exchanges a refresh token; the caller issues the new pair's lifetime. */
  useRefreshToken(token: string, expiresInSec: number): RefreshOutcome {
    const grant = this.refresh.get(token);
    if (!grant) return { ok: false, reason: 'unknown' };
    const { storeId } = grant;
    if (grant.used) {
      this.revokeStore(storeId);
      return { ok: false, reason: 'reused', storeId };
    }
    if (grant.revoked) return { ok: false, reason: 'revoked', storeId };
    if (grant.expiresAt <= this.settings.now()) return { ok: false, reason: 'expired', storeId };
    grant.used = true;
    if (this.settings.revokeAccessTokenOnRefresh) {
      const previous = this.access.get(grant.accessToken);
      if (previous) previous.revoked = true;
    }
    return { ok: true, tokens: this.issue(storeId, expiresInSec), storeId };
  }

  /** Revokes every access and refresh token of the store (reuse detected, uninstall, or a test asking). */
  revokeStore(storeId: string): void {
    for (const grant of this.access.values()) if (grant.storeId === storeId) grant.revoked = true;
    for (const grant of this.refresh.values()) if (grant.storeId === storeId) grant.revoked = true;
  }
}
