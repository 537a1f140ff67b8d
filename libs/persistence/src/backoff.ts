export interface BackoffOptions {
  /** First delay, in ms. Default 500. */
  initialDelayMs?: number;
  /** Cap for any delay, in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
}

/**
 * Delay before retry number `attempt` (0-based): exponential, capped, with "equal jitter" (half fixed, half
 * random) so many instances restarting together do not hammer the database in lock step.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const factor = options.factor ?? 2;
  const ceiling = Math.min(max, initial * Math.pow(factor, Math.max(0, attempt)));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
