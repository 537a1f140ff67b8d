import { type SallaClock, type SallaSleep, systemClock, systemSleep } from './clock';
import type { SallaRequestPriority } from './salla-api.types';

export interface StoreRateLimiterOptions {
  clock?: SallaClock;
  sleep?: SallaSleep;
  /** Length of the sliding window the plan's limit applies to. */
  windowMs?: number;
  /**
   * Share of the budget `bulk` requests may use within one window; the rest is kept for `live` ones so a
   * webhook re-read or a command never waits behind a backfill. Default 0.8.
   */
  bulkShare?: number;
}

/** The store is paused after an abuse block; nothing is sent for it until `blockedUntil` (epoch ms). */
export class StoreBlockedError extends Error {
  constructor(
    readonly storeId: string,
    readonly blockedUntil: number,
  ) {
    super(`calls for store ${storeId} are paused until ${new Date(blockedUntil).toISOString()}`);
    this.name = 'StoreBlockedError';
  }
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/** First-in first-out without `Array.shift` costs: a backfill may queue thousands of waiters. */
class WaiterQueue {
  private items: Waiter[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }
  push(waiter: Waiter): void {
    this.items.push(waiter);
  }
  take(): Waiter | undefined {
    const waiter = this.items[this.head];
    if (waiter === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as Waiter;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return waiter;
  }
  drain(): Waiter[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

interface StoreState {
  limit: number;
  /** When each request of the current window was let through, oldest first (at most `limit` entries). */
  sent: number[];
  live: WaiterQueue;
  bulk: WaiterQueue;
  /** Salla said the budget is spent (429, `X-RateLimit-Remaining: 0`): wait, then go on. */
  pausedUntil: number;
  /** Salla blocked the store for abuse: fail fast until then. */
  blockedUntil: number;
  pumping: boolean;
  /** Aborted to wake the pump early: a new waiter or a new pause may change what can go next. */
  wake?: AbortController;
}

/**
 * Per-store request budget for Salla's leaky-bucket limits, enforced as a sliding window: at most `limit`
 * requests are let through in any `windowMs` (60 s) span, whatever the mix of callers. Salla's bucket would
 * still pass about one request a second once spent; that trickle is deliberately not used, so the limit is
 * a hard ceiling and a 429 means something outside this process shares the budget.
 *
 * Two priorities: `live` may use the whole budget and is always served first; `bulk` may use only
 * `bulkShare` of it, so even a backfill running flat out leaves room for live work at any moment.
 *
 * It also obeys the server: {@link pause} holds the store's requests until Salla's reset time, and
 * {@link block} (abuse) fails them fast until the block ends. Stores with nothing in their window, nothing
 * waiting and no pause are forgotten, so memory follows the stores active in the last minute, not every
 * store ever called.
 */
export class StoreRateLimiter {
  private readonly clock: SallaClock;
  private readonly sleep: SallaSleep;
  private readonly windowMs: number;
  private readonly bulkShare: number;
  private readonly stores = new Map<string, StoreState>();
  private lastSweep = 0;

  constructor(options: StoreRateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? systemSleep;
    this.windowMs = options.windowMs ?? 60_000;
    this.bulkShare = Math.min(1, Math.max(0.05, options.bulkShare ?? 0.8));
  }

  /**
   * Resolves when one request for the store may be sent now (the slot is taken at that moment). `limit` is
   * the store's requests per window by plan. Rejects with {@link StoreBlockedError} while the store is
   * blocked for abuse.
   */
  acquire(storeId: string, priority: SallaRequestPriority, limit: number): Promise<void> {
    const now = this.clock.now();
    this.sweep(now);
    const state = this.stateOf(storeId, limit);
    state.limit = Math.max(1, Math.floor(limit));
    if (state.blockedUntil > now) return Promise.reject(new StoreBlockedError(storeId, state.blockedUntil));
    return new Promise<void>((resolve, reject) => {
      (priority === 'live' ? state.live : state.bulk).push({ resolve, reject });
      this.kick(storeId, state);
    });
  }

  /** Holds the store's requests until `until` (epoch ms): Salla said its budget is spent. */
  pause(storeId: string, until: number): void {
    const state = this.stateOf(storeId);
    state.pausedUntil = Math.max(state.pausedUntil, until);
    this.kick(storeId, state);
  }

  /** Fails the store's waiting and new requests until `until` (epoch ms): Salla blocked it for abuse. */
  block(storeId: string, until: number): void {
    const state = this.stateOf(storeId);
    state.blockedUntil = Math.max(state.blockedUntil, until);
    this.kick(storeId, state);
  }

  /** Epoch ms until which the store is blocked, if it is. */
  blockedUntil(storeId: string): number | undefined {
    const until = this.stores.get(storeId)?.blockedUntil ?? 0;
    return until > this.clock.now() ? until : undefined;
  }

  /** How many stores the limiter holds state for (bounded by the stores active in the last window). */
  trackedStores(): number {
    return this.stores.size;
  }

  private stateOf(storeId: string, limit = 1): StoreState {
    let state = this.stores.get(storeId);
    if (!state) {
      state = {
        limit: Math.max(1, Math.floor(limit)),
        sent: [],
        live: new WaiterQueue(),
        bulk: new WaiterQueue(),
        pausedUntil: 0,
        blockedUntil: 0,
        pumping: false,
      };
      this.stores.set(storeId, state);
    }
    return state;
  }

  /** Starts the store's pump, or wakes it if it sleeps: something changed what may go next. */
  private kick(storeId: string, state: StoreState): void {
    if (state.pumping) {
      state.wake?.abort();
      return;
    }
    state.pumping = true;
    this.pump(storeId, state).catch((err: unknown) => {
      // The pump only resolves and rejects waiters; should it ever throw, fail them rather than hang.
      state.pumping = false;
      const failure = err instanceof Error ? err : new Error(String(err));
      for (const w of [...state.live.drain(), ...state.bulk.drain()]) w.reject(failure);
    });
  }

  private async pump(storeId: string, state: StoreState): Promise<void> {
    for (;;) {
      const waitMs = this.release(storeId, state, this.clock.now());
      if (waitMs === undefined) {
        // Cleared in the same synchronous step that saw the queues empty, so a waiter arriving next
        // always finds either a running pump or none, and starts one.
        state.pumping = false;
        return;
      }
      const wake = new AbortController();
      state.wake = wake;
      await this.sleep(waitMs, wake.signal);
      state.wake = undefined;
    }
  }

  /**
   * Lets through every waiter the budget allows now, live first. Returns how long until the next one could
   * go, or undefined when nobody waits.
   */
  private release(storeId: string, state: StoreState, now: number): number | undefined {
    if (state.blockedUntil > now) {
      const blocked = new StoreBlockedError(storeId, state.blockedUntil);
      for (const w of [...state.live.drain(), ...state.bulk.drain()]) w.reject(blocked);
      return undefined;
    }
    if (state.live.size + state.bulk.size === 0) return undefined;
    if (state.pausedUntil > now) return state.pausedUntil - now;

    const { sent } = state;
    while (sent.length > 0 && sent[0] + this.windowMs <= now) sent.shift();
    const bulkLimit = Math.max(1, Math.floor(state.limit * this.bulkShare));
    for (;;) {
      const queue = state.live.size > 0 ? state.live : state.bulk.size > 0 ? state.bulk : undefined;
      if (!queue) return undefined;
      const cap = queue === state.live ? state.limit : bulkLimit;
      if (sent.length < cap) {
        sent.push(now);
        queue.take()?.resolve();
        continue;
      }
      // The window must first lose enough old requests to drop below the cap.
      const freedBy = sent[sent.length - cap];
      return Math.max(1, freedBy + this.windowMs - now);
    }
  }

  /** Forgets stores with an empty window, no waiters and no pause or block in force (once per window). */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [storeId, state] of this.stores) {
      const last = state.sent[state.sent.length - 1];
      const idle =
        !state.pumping &&
        state.live.size + state.bulk.size === 0 &&
        state.pausedUntil <= now &&
        state.blockedUntil <= now &&
        (last === undefined || last + this.windowMs <= now);
      if (idle) this.stores.delete(storeId);
    }
  }
}
