import { createHash } from 'node:crypto';

/**
 * A short, one-way identity for a token: the first 128 bits of SHA-256 over a fixed label and the token.
 * Salla's tokens carry far more than 128 bits of randomness, so the fingerprint can be stored in the clear
 * and compared ("is the stored token the one Salla just refused?", "was this refresh token already spent?")
 * without opening a sealed value, and it reveals nothing usable.
 */
export function tokenFingerprint(token: string): string {
  return createHash('sha256')
    .update('salla-odoo-sync/token-fingerprint/v1\0')
    .update(token, 'utf8')
    .digest('hex')
    .slice(0, 32);
}
