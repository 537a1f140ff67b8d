import type { SallaClock, SallaSleep } from '../../../src/salla-api';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock that moves only when the test says so. `sleep` registers a timer; `runUntilIdle` fires timers in
 * time order, letting the code under test react between them, until nothing is pending (or a limit).
 * With `autoAdvance`, every sleep instead moves the clock forward at once and resolves: retry waits then
 * take no real time, and `sleeps` records what was waited.
 */
export class FakeClock implements SallaClock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(
    start = Date.UTC(2025, 0, 1),
    private readonly autoAdvance = false,
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  readonly sleep: SallaSleep = (ms, signal) => {
    this.sleeps.push(ms);
    if (this.autoAdvance) {
      this.current += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
    });
  };

  /** Moves the clock by `ms` without firing anything (time passing while nobody waits). */
  advance(ms: number): void {
    this.current += ms;
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Fires timers one at a time in order until none is left or the clock would pass `until`. */
  async runUntilIdle(until = Number.POSITIVE_INFINITY): Promise<void> {
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > until) return;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.resolve();
      await settle();
    }
  }
}

/** Lets every pending promise continuation run (one macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
