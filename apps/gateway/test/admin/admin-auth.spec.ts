import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

import { parseApiKeys, principalForApiKey } from '../../src/admin/auth/api-keys';
import { JwksCache } from '../../src/admin/auth/jwks-cache';
import { JwtRejected, JwtVerifier } from '../../src/admin/auth/jwt-verifier';
import { TokenBucketLimiter } from '../../src/admin/auth/rate-limiter';
import { signMerchantGrant, verifyMerchantGrant } from '../../src/admin/grants/merchant-grant-token';

const NOW = 1_800_000_000_000;
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function jwt(key: KeyObject, alg: 'RS256' | 'ES256', kid: string, claims: Record<string, unknown>): string {
  const head = `${b64({ alg, kid, typ: 'JWT' })}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(head), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${head}.${sig.toString('base64url')}`;
}

describe('admin JWT verification against a JWKS', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let jwks: unknown[] = [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig' }];
  let fetches = 0;
  const cache = new JwksCache('https://issuer.test/jwks', {
    fetchJson: () => {
      fetches += 1;
      return Promise.resolve({ keys: jwks });
    },
    now: () => NOW,
    minRefreshIntervalMs: 0,
  });
  const verifier = new JwtVerifier(cache, {
    issuer: 'https://issuer.test',
    audience: 'admin-api',
    rolesClaim: 'roles',
    now: () => NOW,
  });
  const good = {
    iss: 'https://issuer.test',
    aud: 'admin-api',
    sub: 'alice',
    roles: ['support', 'other'],
    exp: NOW / 1000 + 300,
  };

  it('accepts a valid RS256 token and keeps only admin roles', async () => {
    await expect(verifier.verify(jwt(rsa.privateKey, 'RS256', 'rsa-1', good))).resolves.toEqual({
      name: 'alice',
      roles: ['support'],
      via: 'jwt',
    });
  });

  it('fetches the JWKS again when an unknown kid appears (key rotation), then accepts ES256', async () => {
    jwks = [...jwks, { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-2' }];
    const before = fetches;
    await expect(verifier.verify(jwt(ec.privateKey, 'ES256', 'ec-2', good))).resolves.toMatchObject({
      name: 'alice',
    });
    expect(fetches).toBe(before + 1);
  });

  it.each([
    ['expired beyond the skew', { ...good, exp: NOW / 1000 - 61 }],
    ['not yet valid', { ...good, nbf: NOW / 1000 + 120 }],
    ['another issuer', { ...good, iss: 'https://evil.test' }],
    ['another audience', { ...good, aud: 'other-api' }],
    ['no admin role', { ...good, roles: ['viewer'] }],
    ['no exp', { ...good, exp: undefined }],
  ])('refuses a token from %s', async (_name, claims) => {
    await expect(verifier.verify(jwt(rsa.privateKey, 'RS256', 'rsa-1', claims))).rejects.toBeInstanceOf(
      JwtRejected,
    );
  });

  it('refuses a forged signature, alg none and HS256', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(verifier.verify(jwt(other.privateKey, 'RS256', 'rsa-1', good))).rejects.toThrow(
      'bad signature',
    );
    await expect(verifier.verify(`${b64({ alg: 'none', kid: 'rsa-1' })}.${b64(good)}.`)).rejects.toThrow(
      'algorithm',
    );
    await expect(verifier.verify(`${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64(good)}.abc`)).rejects.toThrow(
      'algorithm',
    );
  });

  it('accepts a token expired within the 60 s clock skew', async () => {
    await expect(
      verifier.verify(jwt(rsa.privateKey, 'RS256', 'rsa-1', { ...good, exp: NOW / 1000 - 30 })),
    ).resolves.toMatchObject({ name: 'alice' });
  });
});

describe('admin API keys', () => {
  const key = 'k'.repeat(30);
  it('maps a configured key to its principal and refuses others', () => {
    const entries = parseApiKeys(`ci:ops:${key}, bob:support:${'b'.repeat(24)}`);
    expect(principalForApiKey(entries, key)).toEqual({ name: 'ci', roles: ['ops'], via: 'api-key' });
    expect(principalForApiKey(entries, `${key}x`)).toBeNull();
  });
  it('refuses bad entries at start without echoing the key', () => {
    expect(() => parseApiKeys(`ci:root:${key}`)).toThrow(/entry 1 \(ci\): role/);
    expect(() => parseApiKeys('ci:ops:short-secret')).toThrow(/at least 24/);
    expect(() => parseApiKeys('ci:ops:short-secret')).not.toThrow(/short-secret/);
  });
});

describe('admin rate limit (token bucket per principal)', () => {
  it('allows a burst of the per-minute budget, then 429 with a Retry-After, then refills', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(3, () => now);
    expect([1, 2, 3].map(() => limiter.take('alice').allowed)).toEqual([true, true, true]);
    expect(limiter.take('alice')).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.take('bob').allowed).toBe(true);
    now += 20_000;
    expect(limiter.take('alice').allowed).toBe(true);
  });
});

describe('merchant grant links', () => {
  const secret = 's'.repeat(32);
  const claims = { storeId: '123', nonce: 'n'.repeat(20), exp: NOW / 1000 + 60, grantSeconds: 3600 };
  it('verifies for its store only, refuses tampering, expiry and grants over 7 days', () => {
    const token = signMerchantGrant(claims, secret);
    expect(verifyMerchantGrant(token, '123', secret, NOW)).toEqual(claims);
    expect(verifyMerchantGrant(token, '124', secret, NOW)).toBeNull();
    expect(verifyMerchantGrant(token, '123', 'x'.repeat(32), NOW)).toBeNull();
    expect(verifyMerchantGrant(token, '123', secret, NOW + 61_000)).toBeNull();
    expect(
      verifyMerchantGrant(
        signMerchantGrant({ ...claims, grantSeconds: 8 * 86400 }, secret),
        '123',
        secret,
        NOW,
      ),
    ).toBeNull();
  });
});
