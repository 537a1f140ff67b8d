import { computeBackoff, sleep } from '@app/messaging';

describe('computeBackoff', () => {
  const base = { baseMs: 100, maxMs: 1_000 };

  it('doubles per attempt and stays within [d/2, d]', () => {
    expect(computeBackoff(1, { ...base, random: () => 0 })).toBe(50);
    expect(computeBackoff(1, { ...base, random: () => 0.999999 })).toBe(100);
    expect(computeBackoff(2, { ...base, random: () => 0 })).toBe(100);
    expect(computeBackoff(2, { ...base, random: () => 0.999999 })).toBe(200);
    expect(computeBackoff(3, { ...base, random: () => 0.5 })).toBe(300);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const attempt of [5, 10, 31, 64, 10_000]) {
      const d = computeBackoff(attempt, { ...base, random: () => 0.999999 });
      expect(d).toBeLessThanOrEqual(1_000);
      expect(d).toBeGreaterThanOrEqual(500);
    }
  });

  it('is jittered: the same attempt gives different delays', () => {
    const delays = new Set(
      Array.from({ length: 50 }, () => computeBackoff(4, { baseMs: 100, maxMs: 60_000 })),
    );
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });

  it('treats attempt < 1 as the first attempt', () => {
    expect(computeBackoff(0, { ...base, random: () => 0 })).toBe(50);
  });
});

describe('sleep', () => {
  it('resolves true after the delay and false when aborted', async () => {
    await expect(sleep(5)).resolves.toBe(true);
    const ac = new AbortController();
    const pending = sleep(10_000, ac.signal);
    ac.abort();
    await expect(pending).resolves.toBe(false);
    await expect(sleep(10_000, ac.signal)).resolves.toBe(false);
  });

  it('ticks (heartbeats) while sleeping and survives a failing tick', async () => {
    let ticks = 0;
    const errors: unknown[] = [];
    // Fake timers: on a loaded CI machine real 20 ms ticks within 120 ms once fired only twice.
    jest.useFakeTimers();
    try {
      const sleeping = sleep(120, undefined, {
        fn: () => {
          ticks += 1;
          return ticks === 1 ? Promise.reject(new Error('rebalancing')) : Promise.resolve();
        },
        everyMs: 20,
        onError: (e) => errors.push(e),
      });
      await jest.advanceTimersByTimeAsync(120);
      await expect(sleeping).resolves.toBe(true);
    } finally {
      jest.useRealTimers();
    }
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(errors).toHaveLength(1);
  });
});
