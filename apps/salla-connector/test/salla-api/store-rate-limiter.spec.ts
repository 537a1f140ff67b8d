import { type SallaRequestPriority, StoreBlockedError, StoreRateLimiter } from '../../src/salla-api';
import { FakeClock, settle } from './support/fake-clock';

const WINDOW = 60_000;

/** Largest number of grants inside any half-open 60 s span. */
function busiestWindow(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= WINDOW) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

function setup(bulkShare?: number) {
  const clock = new FakeClock();
  const limiter = new StoreRateLimiter({ clock, sleep: clock.sleep, bulkShare });
  const grants: Array<{ at: number; priority: SallaRequestPriority; label: string }> = [];
  const request = (storeId: string, priority: SallaRequestPriority, limit: number, label = '') =>
    limiter.acquire(storeId, priority, limit).then(() => {
      grants.push({ at: clock.now(), priority, label });
    });
  return { clock, limiter, grants, request };
}

describe('StoreRateLimiter', () => {
  it('never lets more than the plan limit into any 60 s window, even with live and bulk mixed', async () => {
    const { clock, grants, request } = setup();
    const all: Promise<void>[] = [];
    // A 1,000-request backfill queued at once, plus live requests trickling in every 7 s for 10 minutes.
    for (let i = 0; i < 1000; i++) all.push(request('store-1', 'bulk', 120));
    const start = clock.now();
    for (let t = 7_000; t <= 600_000; t += 7_000) {
      await clock.runUntilIdle(start + t);
      clock.advance(start + t - clock.now());
      for (let k = 0; k < 3; k++) all.push(request('store-1', 'live', 120));
    }
    await clock.runUntilIdle();
    await Promise.all(all);

    expect(grants).toHaveLength(1000 + 3 * Math.floor(600_000 / 7_000));
    // Live requests never waited: each was let through the moment it arrived.
    const live = grants.filter((g) => g.priority === 'live');
    expect(live.every((g) => (g.at - start) % 7_000 === 0)).toBe(true);
    expect(busiestWindow(grants.map((g) => g.at))).toBe(120);
    // Bulk alone stays within its share (80 % of 120), leaving room for live work at every moment.
    expect(busiestWindow(grants.filter((g) => g.priority === 'bulk').map((g) => g.at))).toBeLessThanOrEqual(
      96,
    );
  });

  it('lets a live request overtake a queued backfill at once', async () => {
    const { clock, grants, request } = setup();
    const bulk = Array.from({ length: 300 }, (_, i) => request('store-1', 'bulk', 120, `bulk-${i}`));
    await settle();
    expect(grants).toHaveLength(96); // the backfill's share of the first minute
    const live = request('store-1', 'live', 120, 'live');
    await settle();

    // Granted with no clock movement, while 204 bulk requests are still waiting.
    expect(grants.at(-1)).toEqual({ at: clock.now(), priority: 'live', label: 'live' });
    expect(grants).toHaveLength(97);
    await live;
    await clock.runUntilIdle();
    await Promise.all(bulk);
  });

  it('serves waiting live requests before waiting bulk ones when the budget frees up', async () => {
    const { clock, grants, request } = setup();
    const pending = Array.from({ length: 150 }, () => request('store-1', 'bulk', 120));
    await settle();
    clock.advance(1_000);
    // Live work takes the rest of the window, and 10 more live requests must wait for the next one.
    pending.push(...Array.from({ length: 34 }, (_, i) => request('store-1', 'live', 120, `live-${i}`)));
    await settle();
    expect(grants).toHaveLength(120);

    await clock.runUntilIdle(clock.now() + WINDOW);
    const afterRollover = grants.slice(120);
    // When the first minute's bulk requests leave the window, the 10 waiting live requests go first.
    expect(afterRollover.slice(0, 10).every((g) => g.priority === 'live')).toBe(true);
    expect(afterRollover.slice(10).every((g) => g.priority === 'bulk')).toBe(true);
    await clock.runUntilIdle();
    await Promise.all(pending);
    expect(busiestWindow(grants.map((g) => g.at))).toBeLessThanOrEqual(120);
  });

  it('gives each store its own budget by plan', async () => {
    const { clock, grants, request } = setup();
    const pending = [
      ...Array.from({ length: 400 }, () => request('plus-store', 'live', 120, 'plus')),
      ...Array.from({ length: 400 }, () => request('special-store', 'live', 720, 'special')),
    ];
    await settle();
    expect(grants.filter((g) => g.label === 'plus')).toHaveLength(120);
    expect(grants.filter((g) => g.label === 'special')).toHaveLength(400);
    await clock.runUntilIdle();
    await Promise.all(pending);
    const start = grants[0]?.at ?? 0;
    // 400 requests at 120/min need three more windows; the special store never waited.
    expect(Math.max(...grants.filter((g) => g.label === 'plus').map((g) => g.at)) - start).toBe(3 * WINDOW);
  });

  it('holds a paused store until the server-given time, then goes on', async () => {
    const { clock, limiter, grants, request } = setup();
    const resumeAt = clock.now() + 12_000;
    limiter.pause('store-1', resumeAt);
    const pending = request('store-1', 'live', 120);
    await settle();
    expect(grants).toHaveLength(0);
    await clock.runUntilIdle();
    await pending;
    expect(grants).toEqual([{ at: resumeAt, priority: 'live', label: '' }]);
  });

  it('fails waiting and new requests of a blocked store until the block ends, other stores unaffected', async () => {
    const { clock, limiter, grants, request } = setup();
    const queued = Array.from({ length: 130 }, () => request('store-1', 'live', 120));
    await settle();
    const until = clock.now() + 5 * WINDOW;
    limiter.block('store-1', until);
    const outcomes = await Promise.allSettled(queued);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(10);
    await expect(limiter.acquire('store-1', 'live', 120)).rejects.toEqual(
      expect.objectContaining({ name: 'StoreBlockedError', blockedUntil: until }),
    );
    await expect(limiter.acquire('store-1', 'live', 120)).rejects.toBeInstanceOf(StoreBlockedError);
    await request('store-2', 'live', 120, 'other');
    expect(limiter.blockedUntil('store-1')).toBe(until);

    clock.advance(5 * WINDOW);
    expect(limiter.blockedUntil('store-1')).toBeUndefined();
    await request('store-1', 'live', 120, 'after');
    expect(grants.at(-1)?.label).toBe('after');
  });

  it('forgets idle stores, so state follows the stores active in the last minute', async () => {
    const { clock, limiter, request } = setup();
    await Promise.all(Array.from({ length: 2000 }, (_, i) => request(`store-${i}`, 'live', 120)));
    expect(limiter.trackedStores()).toBe(2000);

    clock.advance(WINDOW + 1);
    await request('store-new', 'live', 120);
    expect(limiter.trackedStores()).toBe(1);
  });
});
