import { verify as verifySignature } from 'node:crypto';

import { ADMIN_ROLES, type AdminRole } from '../admin-routes';
import type { JwksCache } from './jwks-cache';
import type { AdminPrincipal } from './principal';

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  rolesClaim: string;
  /** Tolerated clock difference for exp / nbf / iat, in seconds (default 60). */
  clockSkewSeconds?: number;
  now?: () => number;
}

/** Why a token was refused: for logs at debug level only; the caller answers a bare 401 whatever it is. */
export class JwtRejected extends Error {}

const ALGORITHMS: Record<string, { hash: string; ec: boolean }> = {
  RS256: { hash: 'sha256', ec: false },
  ES256: { hash: 'sha256', ec: true },
};

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new JwtRejected(`${what} is not a JSON object`);
}

/**
 * Verifies an admin bearer JWT (RS256 or ES256) against the issuer's JWKS: signature by `kid`, `iss`, `aud`,
 * `exp` (required) and `nbf` with a small clock skew; the roles claim must name at least one admin role.
 * `alg: none` and HMAC algorithms are refused outright (no key confusion with the public key).
 */
export class JwtVerifier {
  private readonly skewMs: number;
  private readonly now: () => number;

  constructor(
    private readonly jwks: JwksCache,
    private readonly options: JwtVerifierOptions,
  ) {
    this.skewMs = (options.clockSkewSeconds ?? 60) * 1000;
    this.now = options.now ?? Date.now;
  }

  async verify(token: string): Promise<AdminPrincipal> {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)))
      throw new JwtRejected('not a compact JWS');
    const [h, p, s] = parts as [string, string, string];
    const header = decodeSegment(h, 'header');
    const alg = typeof header.alg === 'string' ? ALGORITHMS[header.alg] : undefined;
    if (!alg) throw new JwtRejected('algorithm not allowed');
    if (typeof header.kid !== 'string') throw new JwtRejected('no kid');
    const key = await this.jwks.keyFor(header.kid);
    if (!key) throw new JwtRejected('unknown kid');
    const ok = verifySignature(
      alg.hash,
      Buffer.from(`${h}.${p}`, 'ascii'),
      alg.ec ? { key, dsaEncoding: 'ieee-p1363' } : key,
      Buffer.from(s, 'base64url'),
    );
    if (!ok) throw new JwtRejected('bad signature');
    const claims = decodeSegment(p, 'payload');
    this.checkClaims(claims);
    const roles = this.rolesOf(claims[this.options.rolesClaim]);
    if (roles.length === 0) throw new JwtRejected('no admin role');
    return { name: String(claims.sub), roles, via: 'jwt' };
  }

  private checkClaims(claims: Record<string, unknown>): void {
    const now = this.now();
    if (claims.iss !== this.options.issuer) throw new JwtRejected('wrong issuer');
    const aud = claims.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(this.options.audience)) throw new JwtRejected('wrong audience');
    if (typeof claims.exp !== 'number') throw new JwtRejected('no exp');
    if (claims.exp * 1000 + this.skewMs <= now) throw new JwtRejected('expired');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf * 1000 - this.skewMs > now))
      throw new JwtRejected('not yet valid');
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new JwtRejected('no sub');
  }

  private rolesOf(claim: unknown): AdminRole[] {
    const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(' ') : [];
    return ADMIN_ROLES.filter((r) => values.includes(r));
  }
}
