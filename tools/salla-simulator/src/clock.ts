/** Milliseconds since the epoch. Injectable so token expiry and the rate limiter's leak run on a fake clock in tests. */
export interface SimulatorClock {
  now(): number;
}

export const systemClock: SimulatorClock = { now: () => Date.now() };

/** A clock that only moves when told to: `advance(61_000)` instead of sleeping a minute. */
export interface ManualClock extends SimulatorClock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

export function manualClock(startEpochMs = Date.UTC(2024, 5, 1, 9, 0, 0)): ManualClock {
  let current = startEpochMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (epochMs) => {
      current = epochMs;
    },
  };
}
