import { manualClock, startSallaSimulator, type SallaSimulator } from '../src';
import { callApi, tokenRequest } from './salla-client';

/** Sends `n` calls one after another (the leak only moves with the fake clock, so timing cannot interfere). */
async function burst(sim: SallaSimulator, token: string, n: number) {
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await callApi(sim, token, '/store/info'));
  return answers;
}

describe('Salla simulator: per-store leaky bucket', () => {
  const clock = manualClock(Date.UTC(2024, 0, 1, 12, 0, 0));
  let sim: SallaSimulator;
  let token: string;

  beforeEach(async () => {
    sim = await startSallaSimulator({ clock });
    sim.addStore({ id: 'plus-store', plan: 'plus' });
    token = sim.issueTokens('plus-store').accessToken;
  });
  afterEach(() => sim.close());

  it('every answer carries the limit, what remains and when the bucket is empty again', async () => {
    const [first, second] = await burst(sim, token, 2);
    const nowSec = clock.now() / 1000;
    expect(first.headers.get('x-ratelimit-limit')).toBe('120');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('119');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('118');
    // Two requests drain at 2 per second: empty again one second from now.
    expect(Number(second.headers.get('x-ratelimit-reset'))).toBe(nowSec + 1);

    const notFound = await callApi(sim, token, '/orders/123');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-ratelimit-remaining')).toBe('117');
  });

  it('once the bucket is spent the store gets 429 with Retry-After, and the leak lets it back in', async () => {
    const answers = await burst(sim, token, 121);
    expect(answers.slice(0, 120).every((a) => a.status === 200)).toBe(true);
    const refused = answers[120];
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.body).toMatchObject({
      status: 429,
      success: false,
      error: { message: 'Too Many Attempts.' },
    });
    expect(sim.rateLimitRejections('plus-store')).toBe(1);

    clock.advance(1_000); // 120/min leaks 2 per second
    const afterOneSecond = await burst(sim, token, 3);
    expect(afterOneSecond.map((a) => a.status)).toEqual([200, 200, 429]);

    clock.advance(30_000); // half the bucket drained
    const afterHalfAMinute = await burst(sim, token, 61);
    expect(afterHalfAMinute.filter((a) => a.status === 200)).toHaveLength(60);
    expect(afterHalfAMinute[60].status).toBe(429);
    expect(sim.rateLimitRejections('plus-store')).toBe(3);
  });

  it('the bucket is as large as the plan allows, and stores do not share it', async () => {
    sim.addStore({ id: 'pro-store', plan: 'pro' });
    const proToken = sim.issueTokens('pro-store').accessToken;
    const pro = await burst(sim, proToken, 361);
    expect(pro[0].headers.get('x-ratelimit-limit')).toBe('360');
    expect(pro.filter((a) => a.status === 200)).toHaveLength(360);
    expect(pro[360].status).toBe(429);

    const plus = await callApi(sim, token, '/store/info');
    expect(plus.status).toBe(200);
    expect(plus.headers.get('x-ratelimit-remaining')).toBe('119');
  });

  it('token refreshes do not spend the API bucket', async () => {
    let refresh = sim.issueTokens('plus-store').refreshToken;
    for (let i = 0; i < 5; i++) {
      const answer = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: refresh });
      refresh = answer.body.refresh_token;
      token = answer.body.access_token;
    }
    const call = await callApi(sim, token, '/store/info');
    expect(call.headers.get('x-ratelimit-remaining')).toBe('119');
  });
});
