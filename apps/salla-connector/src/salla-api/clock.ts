/** Milliseconds since the epoch. Injectable so the limiter and the retry waits can run on a fake clock in tests. */
export interface SallaClock {
  now(): number;
}

/**
 * Waits `ms`, or less when `signal` aborts (it then resolves, it does not reject: the caller re-checks why it
 * woke up). Injectable for the same reason as {@link SallaClock}.
 */
export type SallaSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemClock: SallaClock = { now: () => Date.now() };

export const systemSleep: SallaSleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
