import type { SallaErrorInfo } from './salla-envelope';

/** A header telling us to wait longer than this is not believed (a bogus value must not freeze a store). */
export const MAX_SERVER_WAIT_MS = 15 * 60_000;

const clampWait = (ms: number): number => Math.min(Math.max(0, Math.ceil(ms)), MAX_SERVER_WAIT_MS);

/** `Retry-After` in ms from now: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return clampWait(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : clampWait(date - now);
}

/**
 * When the store's budget refills, if Salla says it is spent (`X-RateLimit-Remaining: 0`): the epoch ms of
 * `X-RateLimit-Reset`. Salla's docs do not pin the unit down, so an epoch in seconds, an epoch in ms and
 * seconds-from-now are all accepted. Spent without a usable reset → one minute (the bucket's window).
 */
export function budgetSpentUntil(headers: Headers, now: number): number | undefined {
  const remaining = headers.get('x-ratelimit-remaining')?.trim();
  if (remaining === undefined || remaining === '' || Number(remaining) > 0) return undefined;
  const reset = Number(headers.get('x-ratelimit-reset')?.trim() ?? '');
  if (!Number.isFinite(reset) || reset <= 0) return now + 60_000;
  const at = reset > 1e12 ? reset : reset > 1e9 ? reset * 1000 : now + reset * 1000;
  return now + clampWait(at - now);
}

const ABUSE_WORDS = /too many|abuse|rate.?limit|throttl|suspend|blocked/i;

/**
 * A 403 that is Salla's temporary abuse block rather than a missing permission: it says so in its error,
 * or it tells us when to come back (a permission problem has no Retry-After).
 */
export function isAbuseBlock(headers: Headers, error: SallaErrorInfo): boolean {
  if (headers.get('retry-after') !== null) return true;
  return ABUSE_WORDS.test(`${error.code ?? ''} ${error.message ?? ''}`);
}
