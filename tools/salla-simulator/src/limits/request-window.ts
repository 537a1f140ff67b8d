/**
 * The most timestamps that fall within any window of `windowMs` (half-open: a request exactly `windowMs`
 * after another is in the next window). `times` must be ascending, as requests are recorded in arrival order.
 */
export function maxInSlidingWindow(times: readonly number[], windowMs: number): number {
  if (windowMs <= 0) throw new Error('windowMs must be positive');
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
