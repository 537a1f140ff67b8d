import { manualClock, startSallaSimulator, type SallaSimulator } from '../src';
import { callApi, tokenRequest } from './salla-client';

describe('Salla simulator: OAuth tokens', () => {
  const clock = manualClock();
  let sim: SallaSimulator;

  beforeEach(async () => {
    sim = await startSallaSimulator({ clock });
    sim.addStore({ id: 1001, plan: 'plus' });
  });
  afterEach(() => sim.close());

  it('a refresh token buys a new pair once; the old access token stops working', async () => {
    const first = sim.issueTokens(1001);
    const refreshed = await tokenRequest(sim, {
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    });

    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({
      token_type: 'bearer',
      scope: expect.stringContaining('offline_access'),
    });
    expect(refreshed.body.expires).toBe(Math.floor(clock.now() / 1000) + 14 * 24 * 3600);
    expect(refreshed.body.refresh_token).not.toBe(first.refreshToken);
    expect((await callApi(sim, refreshed.body.access_token, '/store/info')).status).toBe(200);
    expect((await callApi(sim, first.accessToken, '/store/info')).status).toBe(401);
    expect(sim.refreshCount(1001)).toBe(1);
  });

  it('reusing a refresh token answers invalid_grant and revokes every token of the store', async () => {
    const first = sim.issueTokens(1001);
    const other = sim.issueTokens(1001); // e.g. a second install's pair: revoked too
    const renewed = await tokenRequest(sim, {
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    });
    expect(renewed.status).toBe(200);

    const replay = await tokenRequest(sim, {
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    });

    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_grant' });
    expect(sim.refreshReuseCount(1001)).toBe(1);
    const afterwards = await callApi(sim, renewed.body.access_token, '/store/info');
    expect(afterwards.status).toBe(401);
    expect(afterwards.body).toMatchObject({ status: 401, success: false, error: { code: 'Unauthorized' } });
    expect((await callApi(sim, other.accessToken, '/store/info')).status).toBe(401);
    const newest = await tokenRequest(sim, {
      grant_type: 'refresh_token',
      refresh_token: renewed.body.refresh_token,
    });
    expect(newest.body).toEqual({ error: 'invalid_grant' });
  });

  it('refuses wrong client credentials without spending the refresh token', async () => {
    const tokens = sim.issueTokens(1001);
    const wrong = await tokenRequest(sim, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
      client_secret: 'not-the-secret',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_client' });

    const right = await tokenRequest(sim, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    expect(right.status).toBe(200);
  });

  it('an authorization code is exchanged once, for tokens of its store', async () => {
    const code = sim.issueCode(1001);
    const exchanged = await tokenRequest(sim, { grant_type: 'authorization_code', code });
    expect(exchanged.status).toBe(200);
    const info = await callApi(sim, exchanged.body.access_token, '/store/info');
    expect(info.body.data).toMatchObject({ id: 1001, plan: 'plus' });

    const again = await tokenRequest(sim, { grant_type: 'authorization_code', code });
    expect(again.body).toEqual({ error: 'invalid_grant' });
  });

  it('an access token past `expires` is refused', async () => {
    const tokens = sim.issueTokens(1001, { expiresInSec: 60 });
    expect((await callApi(sim, tokens.accessToken, '/store/info')).status).toBe(200);
    clock.advance(61_000);
    expect((await callApi(sim, tokens.accessToken, '/store/info')).status).toBe(401);
  });

  it('after uninstall the store answers 401 until it is authorized again', async () => {
    const tokens = sim.issueTokens(1001);
    sim.uninstall(1001);
    expect((await callApi(sim, tokens.accessToken, '/products')).status).toBe(401);
    const refresh = await tokenRequest(sim, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    expect(refresh.body).toEqual({ error: 'invalid_grant' });
    expect(sim.refreshReuseCount(1001)).toBe(0);

    const reinstalled = sim.issueTokens(1001);
    expect((await callApi(sim, reinstalled.accessToken, '/products')).status).toBe(200);
  });

  it('token calls are recorded but never count against the API rate limit', async () => {
    const tokens = sim.issueTokens(1001);
    await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
    expect(sim.maxRequestsInWindow(1001)).toBe(0);
    expect(sim.callsFor(1001)).toEqual([
      expect.objectContaining({ kind: 'oauth', method: 'POST', route: '/token', status: 200 }),
    ]);
  });
});
