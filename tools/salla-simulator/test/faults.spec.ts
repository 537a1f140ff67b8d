import { startSallaSimulator, type SallaSimulator } from '../src';
import { callApi } from './salla-client';

describe('Salla simulator: injected faults', () => {
  let sim: SallaSimulator;
  let token: string;

  beforeEach(async () => {
    sim = await startSallaSimulator();
    sim.addStore({ id: 3, plan: 'plus' });
    sim.addStore({ id: 4, plan: 'plus' });
    token = sim.issueTokens(3).accessToken;
  });
  afterEach(() => sim.close());

  it('failNext answers the next calls with the status asked for, then recovers', async () => {
    sim.failNext(3, { status: 503, count: 2, retryAfterSec: 7 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await callApi(sim, token, '/store/info'));

    expect(statuses.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(statuses[0].headers.get('retry-after')).toBe('7');
    expect(statuses[0].body).toMatchObject({ status: 503, success: false });
    expect(statuses[0].headers.get('x-ratelimit-limit')).toBe('120');
  });

  it("an abuse block is a 403 whose message says so; another store's calls are unaffected", async () => {
    sim.failNext(3, { status: 403, abuse: true, retryAfterSec: 60 });
    const other = sim.issueTokens(4).accessToken;
    expect((await callApi(sim, other, '/store/info')).status).toBe(200);

    const blocked = await callApi(sim, token, '/store/info');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.message).toMatch(/too many requests/i);
    expect(blocked.body.error.message).toMatch(/abuse/i);
  });

  it('an injected 429 carries Retry-After without counting as a real rejection', async () => {
    sim.failNext(3, { status: 429, retryAfterSec: 3 });
    const answer = await callApi(sim, token, '/store/info');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('3');
    expect(sim.rateLimitRejections(3)).toBe(0);
  });

  it('timeoutNext holds the answer until the client gives up; the next call is answered', async () => {
    sim.timeoutNext(3, 1);
    await expect(callApi(sim, token, '/store/info', { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await callApi(sim, token, '/store/info')).status).toBe(200);
    expect(sim.callsFor(3).map((c) => c.status)).toEqual([0, 200]);
  });

  it('revokeTokens makes every later call 401', async () => {
    sim.revokeTokens(3);
    expect((await callApi(sim, token, '/store/info')).status).toBe(401);
  });

  it('records each call with its templated route, query and body', async () => {
    sim.seedProducts(3, 1);
    const [product] = sim.seedProducts(3, 1);
    await callApi(sim, token, `/products/${product.id}?with=skus`);
    await callApi(sim, token, '/products/quantities/bulk', {
      method: 'POST',
      body: { products: [{ identifer_type: 'id', identifer: product.id, quantity: 1, mode: 'overwrite' }] },
    });
    expect(sim.callsFor(3)).toEqual([
      expect.objectContaining({
        kind: 'api',
        method: 'GET',
        path: `/admin/v2/products/${product.id}`,
        route: '/products/:id',
        query: { with: 'skus' },
        status: 200,
      }),
      expect.objectContaining({
        method: 'POST',
        route: '/products/quantities/bulk',
        body: { products: [expect.objectContaining({ identifer: product.id })] },
        status: 201,
      }),
    ]);
  });
});
