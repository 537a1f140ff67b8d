export interface BackoffOptions {
  /** Delay before the 2nd attempt; doubles for each further attempt. */
  baseMs: number;
  /** Upper bound of any single delay. */
  maxMs: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Delay to wait after failed attempt number `attempt` (1-based) before the next one: exponential
 * (`baseMs * 2^(attempt-1)`, capped at `maxMs`) with "equal jitter" — a uniformly random value in
 * [d/2, d] — so consumers that failed together do not retry in lockstep, yet never retry immediately.
 */
export function computeBackoff(
  attempt: number,
  { baseMs, maxMs, random = Math.random }: BackoffOptions,
): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^30 already exceeds any sensible cap; clamping the exponent keeps the arithmetic finite.
  const exponential = baseMs * 2 ** Math.min(n - 1, 30);
  const ceiling = Math.min(maxMs, exponential);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

/**
 * Sleeps `ms`, waking early when `signal` aborts. Resolves `true` when the full delay elapsed, `false` when
 * aborted. While sleeping, calls `tick` every `tickMs` (used to send consumer heartbeats); errors from `tick`
 * are given to `onTickError` and do not end the sleep.
 */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  tick?: { fn: () => Promise<void>; everyMs: number; onError: (err: unknown) => void },
): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(true), ms);
    const ticker = tick
      ? setInterval(() => {
          tick.fn().catch(tick.onError);
        }, tick.everyMs)
      : undefined;
    function finish(completed: boolean): void {
      clearTimeout(timer);
      if (ticker) clearInterval(ticker);
      signal?.removeEventListener('abort', onAbort);
      resolve(completed);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
