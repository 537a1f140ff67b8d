import { createHmac, timingSafeEqual } from 'node:crypto';

import { MAX_GRANT_MS } from './access-grant.schema';

/**
 * The merchant's signed consent, as the app would issue it from its settings page ("let support look at my
 * store for N days"): `base64url(JSON claims) + "." + base64url(HMAC-SHA256(secret, first part))`.
 * Claims: `storeId`, `nonce` (single use: it becomes the grant id), `exp` (link validity, unix seconds) and
 * `grantSeconds` (how long the access lasts once redeemed, ≤ 7 days).
 */
export interface MerchantGrantClaims {
  storeId: string;
  nonce: string;
  exp: number;
  grantSeconds: number;
}

export function signMerchantGrant(claims: MerchantGrantClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The claims of a valid token for `storeId`, or null (bad signature, other store, expired, malformed). */
export function verifyMerchantGrant(
  token: string,
  storeId: string,
  secret: string,
  now = Date.now(),
): MerchantGrantClaims | null {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: Partial<MerchantGrantClaims>;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<MerchantGrantClaims>;
  } catch {
    return null;
  }
  const valid =
    claims.storeId === storeId &&
    typeof claims.nonce === 'string' &&
    /^[A-Za-z0-9_-]{16,128}$/.test(claims.nonce) &&
    typeof claims.exp === 'number' &&
    claims.exp * 1000 > now &&
    typeof claims.grantSeconds === 'number' &&
    Number.isInteger(claims.grantSeconds) &&
    claims.grantSeconds > 0 &&
    claims.grantSeconds * 1000 <= MAX_GRANT_MS;
  return valid ? (claims as MerchantGrantClaims) : null;
}
