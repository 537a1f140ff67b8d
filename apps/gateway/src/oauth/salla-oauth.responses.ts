import { SallaOAuthError } from './salla-oauth.errors';

/** Salla documents access tokens as valid for 14 days; used only if a token answer names no expiry at all. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_S = 14 * 24 * 3600;

/** A token answer of `POST /oauth2/token`, checked and normalised. Holds secrets: never log it. */
export interface SallaTokenSet {
  accessToken: string;
  /** Absent when `offline_access` was not granted. */
  refreshToken?: string;
  expiresAt: Date;
  scopes: string[];
  tokenType: 'bearer';
}

/** Who the token belongs to, from `GET /oauth2/user/info`. */
export interface SallaMerchant {
  /** The Salla merchant (store) id, always a string. */
  merchantId: string;
  storeName?: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

function toScopes(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string' && s !== '');
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * Expiry of an access token. Salla sends either `expires` (absolute unix time in seconds) or `expires_in`
 * (seconds from now), depending on the endpoint and its version; both are accepted. An `expires` that is
 * already in the past is not trusted (clock skew or a relative value mislabelled) when `expires_in` exists.
 */
export function expiryOf(body: Json, now: Date): Date {
  const nowMs = now.getTime();
  const expires = toNumber(body.expires);
  const expiresIn = toNumber(body.expires_in);
  if (expires !== undefined && (expires * 1000 > nowMs || expiresIn === undefined)) {
    // A millisecond timestamp would be ~1000× too far in the future: accept both.
    return new Date(expires > 1e12 ? expires : expires * 1000);
  }
  if (expiresIn !== undefined) return new Date(nowMs + expiresIn * 1000);
  return new Date(nowMs + DEFAULT_ACCESS_TOKEN_LIFETIME_S * 1000);
}

/** Checks a 2xx token answer. Throws `SallaOAuthError('malformed')` naming the field, never its value. */
export function parseTokenResponse(body: unknown, now = new Date()): SallaTokenSet {
  // Some Salla answers wrap the payload in `{ status, success, data }`.
  const raw = isObject(body) && isObject(body.data) && body.access_token === undefined ? body.data : body;
  if (!isObject(raw)) throw new SallaOAuthError('malformed', 'token answer is not a JSON object');
  const accessToken = raw.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new SallaOAuthError('malformed', 'token answer has no access_token');
  }
  const tokenType = typeof raw.token_type === 'string' ? raw.token_type.toLowerCase() : 'bearer';
  if (tokenType !== 'bearer') throw new SallaOAuthError('malformed', `unexpected token_type ${tokenType}`);
  const refreshToken =
    typeof raw.refresh_token === 'string' && raw.refresh_token !== '' ? raw.refresh_token : undefined;
  return {
    accessToken,
    refreshToken,
    expiresAt: expiryOf(raw, now),
    scopes: toScopes(raw.scope),
    tokenType: 'bearer',
  };
}

/**
 * Finds the merchant in a `GET /oauth2/user/info` answer. Salla's docs show it wrapped
 * (`{ status, success, data: { id, name, email, merchant: { id, name, … }, context } }`), other sources
 * show the bare `data` object: both are accepted. The merchant id may be a number or a string.
 */
export function parseUserInfo(body: unknown): SallaMerchant & { scopes: string[] } {
  const data = isObject(body) && isObject(body.data) ? body.data : body;
  if (!isObject(data)) throw new SallaOAuthError('malformed', 'user info answer is not a JSON object');
  const merchant = data.merchant;
  const id = isObject(merchant) ? merchant.id : undefined;
  const merchantId = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  if (typeof merchantId !== 'string' || merchantId.trim() === '') {
    throw new SallaOAuthError('malformed', 'user info answer has no merchant.id');
  }
  const name = isObject(merchant) ? merchant.name : undefined;
  const context = isObject(data.context) ? data.context : {};
  return {
    merchantId: merchantId.trim(),
    storeName: typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined,
    scopes: toScopes(context.scope),
  };
}
