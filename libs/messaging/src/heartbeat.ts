import { sleep } from './backoff';
import type { ConsumerRuntime } from './consumer-runtime';
import { describeError } from './errors';

/** Heartbeat answers meaning our group membership/assignment is changing (kafkajs `isRebalancing` + eviction). */
const MEMBERSHIP_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

function isMembershipError(err: unknown): boolean {
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  return typeof type === 'string' && MEMBERSHIP_ERRORS.has(type);
}

function heartbeatTick(
  rt: ConsumerRuntime,
  heartbeat: () => Promise<void>,
): {
  fn: () => Promise<void>;
  everyMs: number;
  onError: (err: unknown) => void;
} {
  return {
    fn: heartbeat,
    everyMs: Math.max(100, Math.floor((rt.options.heartbeatIntervalMs ?? 3_000) / 2)),
    // A rebalance reported here resurfaces from the unguarded heartbeat after the message, where kafkajs
    // can act on it; the message itself is finished (and committed) first.
    onError: (err) => rt.logger.debug(`heartbeat: ${describeError(err)}`),
  };
}

/**
 * Waits `ms` before the next try, heartbeating. Returns false (give the message up, uncommitted, to be
 * redelivered) when shutdown begins or when a heartbeat reports a rebalance: during a rebalance every member
 * of the group stops consuming until all have rejoined, so our backoff must not hold them up.
 */
export async function waitBeforeRetry(
  rt: ConsumerRuntime,
  ms: number,
  heartbeat: () => Promise<void>,
  where: string,
): Promise<boolean> {
  const rebalancing = new AbortController();
  const completed = await sleep(ms, AbortSignal.any([rt.stopSignal, rebalancing.signal]), {
    ...heartbeatTick(rt, heartbeat),
    onError: (err) => {
      if (isMembershipError(err)) rebalancing.abort();
      else rt.logger.debug(`heartbeat: ${describeError(err)}`);
    },
  });
  if (rebalancing.signal.aborted && !rt.stopSignal.aborted) {
    rt.logger.warn(
      `${where}: group is rebalancing, retry given up for now (uncommitted, will be redelivered)`,
    );
  }
  return completed;
}

/**
 * Runs a handler while heartbeating, so a slow handler does not get the member evicted. Resolves 'abandoned'
 * if shutdown stops waiting for it (the handler keeps running unobserved; its message stays uncommitted).
 */
export async function withHeartbeat(
  rt: ConsumerRuntime,
  heartbeat: () => Promise<void>,
  fn: () => Promise<void> | void,
): Promise<'done' | 'abandoned'> {
  const tick = heartbeatTick(rt, heartbeat);
  const timer = setInterval(() => {
    tick.fn().catch(tick.onError);
  }, tick.everyMs);
  const signal = rt.handlerSignal;
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<'abandoned'>((resolve) => {
    onAbort = () => resolve('abandoned');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const work = Promise.resolve().then(fn);
    // Whatever it does after being abandoned must not become an unhandled rejection.
    work.catch(() => undefined);
    return await Promise.race([work.then(() => 'done' as const), abandoned]);
  } finally {
    clearInterval(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
