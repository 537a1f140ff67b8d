import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import type { RejectReason } from './webhook-metrics';

export type HeaderValue = string | string[] | undefined;
export type Headers = Record<string, HeaderValue>;

export type VerificationOutcome =
  | { ok: true; strategy: 'signature' | 'token' }
  | { ok: false; reason: Exclude<RejectReason, 'invalid-envelope' | 'too-large'> };

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** A header given once, trimmed; a repeated or empty header counts as missing. */
function single(value: HeaderValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Checks that a delivery comes from Salla, with the strategy it names (header names are lower-case, as Node
 * gives them):
 *
 * - `X-Salla-Security-Strategy: Signature`: `X-Salla-Signature` must be the hex HMAC-SHA256 of the exact body
 *   bytes keyed with the webhook secret. Salla sends lower-case hex; the hex is decoded, so case does not matter.
 * - `X-Salla-Security-Strategy: Token`: `Authorization` must be the secret itself, or `Bearer <secret>` (some
 *   proxies and Salla's own API conventions add the scheme; accepting it costs nothing, the full secret is
 *   still required).
 *
 * Both comparisons are constant-time over fixed-length digests, so neither the content nor the length of the
 * secret leaks through timing. Anything else (no strategy, another strategy) fails: there is no unsigned mode.
 */
export function verifySallaDelivery(headers: Headers, rawBody: Buffer, secret: string): VerificationOutcome {
  const strategy = single(headers['x-salla-security-strategy'])?.toLowerCase();
  if (strategy === undefined) return { ok: false, reason: 'missing-strategy' };
  if (strategy === 'signature') {
    const signature = single(headers['x-salla-signature']);
    if (signature === undefined) return { ok: false, reason: 'missing-signature' };
    return signatureMatches(signature, rawBody, secret)
      ? { ok: true, strategy: 'signature' }
      : { ok: false, reason: 'bad-signature' };
  }
  if (strategy === 'token') {
    const authorization = single(headers['authorization']);
    if (authorization === undefined) return { ok: false, reason: 'missing-token' };
    return tokenMatches(authorization, secret)
      ? { ok: true, strategy: 'token' }
      : { ok: false, reason: 'bad-token' };
  }
  return { ok: false, reason: 'unknown-strategy' };
}

/** `signature` (hex) equals HMAC-SHA256(secret, rawBody), compared in constant time. */
export function signatureMatches(signature: string, rawBody: Buffer, secret: string): boolean {
  if (!HEX_SHA256.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(signature, 'hex'), expected);
}

/** `authorization` (optionally `Bearer `-prefixed) equals the secret; compared as SHA-256 digests (equal length). */
export function tokenMatches(authorization: string, secret: string): boolean {
  const token = authorization.replace(/^bearer\s+/i, '');
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(token), digest(secret));
}

/** The hex HMAC-SHA256 Salla would send for `rawBody` (tests and tools sign with it). */
export function sallaSignature(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}
