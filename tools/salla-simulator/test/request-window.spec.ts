import { manualClock, maxInSlidingWindow, startSallaSimulator } from '../src';
import { callApi } from './salla-client';

describe('maxRequestsInWindow', () => {
  it('finds the busiest window, with a window closing just before the request exactly its length later', () => {
    expect(maxInSlidingWindow([], 60_000)).toBe(0);
    expect(maxInSlidingWindow([0, 59_999], 60_000)).toBe(2);
    expect(maxInSlidingWindow([0, 60_000], 60_000)).toBe(1);
    expect(maxInSlidingWindow([0, 10, 20, 30_000, 70_000, 70_001], 60_000)).toBe(4);
  });

  it("counts a store's API requests, refused ones included, and nothing of other stores", async () => {
    const clock = manualClock();
    const sim = await startSallaSimulator({ clock });
    try {
      sim.addStore({ id: 7, plan: 'special' });
      sim.addStore({ id: 8, plan: 'special' });
      const token = sim.issueTokens(7).accessToken;
      const otherToken = sim.issueTokens(8).accessToken;
      const calls = async (n: number, t = token) => {
        for (let i = 0; i < n; i++) await callApi(sim, t, '/store/info');
      };

      await calls(10);
      clock.advance(59_000);
      sim.failNext(7, { status: 503 });
      await calls(5);
      await calls(20, otherToken);
      clock.advance(2_000);
      await calls(7);

      // [t0, t0+60s) holds 10 + 5; [t0+59s, t0+119s) holds 5 + 7.
      expect(sim.maxRequestsInWindow(7)).toBe(15);
      expect(sim.maxRequestsInWindow(7, 1_000)).toBe(10);
      expect(sim.maxRequestsInWindow(7, 120_000)).toBe(22);
      expect(sim.maxRequestsInWindow(8)).toBe(20);

      sim.reset();
      expect(sim.maxRequestsInWindow(7)).toBe(0);
      expect(sim.calls).toHaveLength(0);
    } finally {
      await sim.close();
    }
  });
});
