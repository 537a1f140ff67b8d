import { Inject, Injectable } from '@nestjs/common';

import { CUSTOM_MODE_SETTINGS, type CustomModeConfig, type CustomModeSettings } from './custom-mode.settings';
import { SallaOAuthError } from './salla-oauth.errors';
import {
  parseTokenResponse,
  parseUserInfo,
  type SallaMerchant,
  type SallaTokenSet,
} from './salla-oauth.responses';

/** One Salla call may take this long; the merchant is waiting on the callback page meanwhile. */
export const SALLA_OAUTH_TIMEOUT_MS = 10_000;

/**
 * Salla's OAuth server for the custom-mode install: the authorize URL, the code exchange and the user info.
 * Global `fetch` with a timeout on every call. Nothing here logs; errors never carry secrets.
 */
@Injectable()
export class SallaOAuthClient {
  constructor(@Inject(CUSTOM_MODE_SETTINGS) private readonly settings: CustomModeSettings) {}

  private get config(): CustomModeConfig {
    if (!this.settings.enabled) throw new Error('custom-mode OAuth is not configured');
    return this.settings.config;
  }

  /** Where the merchant's browser goes to approve the app. */
  authorizeUrl(state: string): string {
    const { oauthUrl, clientId, redirectUrl, scope } = this.config;
    const url = new URL(`${oauthUrl}/auth`);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', redirectUrl);
    url.searchParams.set('scope', scope);
    url.searchParams.set('state', state);
    return url.toString();
  }

  /** Exchanges an authorization code (single use) for tokens. */
  async exchangeCode(code: string): Promise<SallaTokenSet> {
    const { oauthUrl, clientId, clientSecret, redirectUrl } = this.config;
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uri: redirectUrl,
    });
    const body = await this.call('token', `${oauthUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    return parseTokenResponse(body);
  }

  /** The merchant (store) the access token belongs to. */
  async userInfo(accessToken: string): Promise<SallaMerchant & { scopes: string[] }> {
    const body = await this.call('user info', `${this.config.oauthUrl}/user/info`, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    return parseUserInfo(body);
  }

  private async call(what: string, url: string, init: RequestInit): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(SALLA_OAUTH_TIMEOUT_MS),
      });
    } catch (err) {
      const reason =
        err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
          ? `no answer within ${SALLA_OAUTH_TIMEOUT_MS} ms`
          : err instanceof Error
            ? err.message
            : String(err);
      throw new SallaOAuthError('unavailable', `Salla ${what} request failed: ${reason}`);
    }
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.ok) {
      if (body === undefined) throw new SallaOAuthError('malformed', `Salla ${what} answer is not JSON`);
      return body;
    }
    const oauthError = oauthErrorOf(body);
    if (res.status >= 500 || res.status === 429) {
      throw new SallaOAuthError('unavailable', `Salla ${what} answered ${res.status}`, oauthError);
    }
    throw new SallaOAuthError(
      'rejected',
      `Salla ${what} answered ${res.status}${oauthError ? ` ${oauthError}` : ''}`,
      oauthError,
    );
  }
}

/** The OAuth `error` code of an error answer (`{"error":"invalid_grant"}`, or Salla's `{error:{code}}`). */
function oauthErrorOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : error;
  // Only a short code-like value: it goes into logs and metrics.
  const text = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  return /^[A-Za-z0-9_.-]{1,64}$/.test(text) ? text : undefined;
}
