import { normaliseState } from '../src/oauth/oauth-state.repository';
import { SallaOAuthError } from '../src/oauth/salla-oauth.errors';
import {
  DEFAULT_ACCESS_TOKEN_LIFETIME_S,
  parseTokenResponse,
  parseUserInfo,
} from '../src/oauth/salla-oauth.responses';

const NOW = new Date('2025-01-01T00:00:00Z');
const nowS = NOW.getTime() / 1000;

describe('Salla OAuth answers', () => {
  it('reads expires (absolute unix seconds) and expires_in (relative seconds)', () => {
    const abs = parseTokenResponse({ access_token: 'a', expires: nowS + 3600, token_type: 'bearer' }, NOW);
    expect(abs.expiresAt.toISOString()).toBe('2025-01-01T01:00:00.000Z');
    const rel = parseTokenResponse({ access_token: 'a', expires_in: 7200, token_type: 'Bearer' }, NOW);
    expect(rel.expiresAt.toISOString()).toBe('2025-01-01T02:00:00.000Z');
    const both = parseTokenResponse({ access_token: 'a', expires: 7200, expires_in: 7200 }, NOW);
    expect(both.expiresAt.toISOString()).toBe('2025-01-01T02:00:00.000Z'); // a past "expires" is not trusted
    const none = parseTokenResponse({ access_token: 'a' }, NOW);
    expect(none.expiresAt.getTime()).toBe(NOW.getTime() + DEFAULT_ACCESS_TOKEN_LIFETIME_S * 1000);
  });

  it('keeps the refresh token only when there is one, and splits scopes', () => {
    expect(
      parseTokenResponse({ access_token: 'a', scope: 'offline_access products.read' }, NOW),
    ).toMatchObject({
      refreshToken: undefined,
      scopes: ['offline_access', 'products.read'],
      tokenType: 'bearer',
    });
    expect(parseTokenResponse({ data: { access_token: 'a', refresh_token: 'r' } }, NOW).refreshToken).toBe(
      'r',
    );
  });

  it('refuses an answer without an access token, or not of bearer type, without echoing values', () => {
    expect(() => parseTokenResponse({ refresh_token: 'secret-r' })).toThrow(SallaOAuthError);
    expect(() => parseTokenResponse({ refresh_token: 'secret-r' })).toThrow(/no access_token/);
    expect(() => parseTokenResponse({ access_token: 'secret-a', token_type: 'mac' })).toThrow(/token_type/);
    try {
      parseTokenResponse({ access_token: 'secret-a', token_type: 'mac' });
    } catch (err) {
      expect((err as Error).message).not.toContain('secret-a');
    }
  });

  it('finds the merchant id in wrapped and bare user info, number or string', () => {
    const data = {
      id: 9,
      name: 'Owner',
      merchant: { id: 1305146709, name: 'My Store' },
      context: { scope: 'a b' },
    };
    expect(parseUserInfo({ status: 200, success: true, data })).toEqual({
      merchantId: '1305146709',
      storeName: 'My Store',
      scopes: ['a', 'b'],
    });
    expect(parseUserInfo({ ...data, merchant: { id: '77' } }).merchantId).toBe('77');
    expect(() => parseUserInfo({ data: { id: 9 } })).toThrow(/merchant.id/);
    expect(() => parseUserInfo('nope')).toThrow(SallaOAuthError);
  });

  it('normalises states: hyphens stripped, anything not a plain token refused', () => {
    expect(normaliseState('ab12-cd34-ef56-7890')).toBe('ab12cd34ef567890');
    expect(normaliseState(['ab12cd34ef567890'])).toBeNull();
    expect(normaliseState({ $ne: null })).toBeNull();
    expect(normaliseState('short')).toBeNull();
    expect(normaliseState('a'.repeat(300))).toBeNull();
  });
});
