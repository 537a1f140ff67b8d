import { computeBackoff } from '@app/messaging';

import { type SallaClock, type SallaSleep, systemClock, systemSleep } from './clock';
import { PlanLimits } from './plan-limits';
import { budgetSpentUntil, isAbuseBlock, retryAfterMs } from './rate-limit-headers';
import { routeTemplate } from './route-template';
import {
  SallaAbuseBlockedError,
  SallaApiError,
  type SallaApiErrorDetails,
  SallaForbiddenError,
  SallaNotFoundError,
  SallaRateLimitedError,
  SallaUnauthorizedError,
  SallaUnavailableError,
  SallaValidationError,
} from './salla-api.errors';
import { sallaApiMetrics } from './salla-api.metrics';
import type {
  SallaAccessTokens,
  SallaApiLogger,
  SallaGetOptions,
  SallaPage,
  SallaPaginateOptions,
  SallaQuery,
  SallaRequestOptions,
  SallaRequestPriority,
  SallaResponse,
  StorePlans,
} from './salla-api.types';
import {
  failureStatusIn,
  parseJsonBody,
  readError,
  readSuccess,
  type SallaErrorInfo,
} from './salla-envelope';
import { StoreBlockedError, StoreRateLimiter } from './store-rate-limiter';

export interface SallaApiClientOptions {
  /** Merchant API base, e.g. `https://api.salla.dev/admin/v2` (tests: the simulator's). */
  baseUrl: string;
  tokens: SallaAccessTokens;
  plans: StorePlans;
  /** Longest wait for one HTTP exchange, body included. Default 15 s. */
  timeoutMs?: number;
  /** Sends of one call that may fail (5xx, timeout, connection, repeated 429) before it gives up. Default 5. */
  maxAttempts?: number;
  /** How long a store is left alone after Salla blocks it for abuse. Default 5 min. */
  abuseBackoffMs?: number;
  /** Wait after a 429 that names no Retry-After. Default 10 s. */
  defaultRetryAfterMs?: number;
  /** First retry delay after a 5xx/timeout; doubles per failure, with jitter, up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Share of each store's budget backfills (`bulk`) may use. Default 0.8. */
  bulkShare?: number;
  /** A limiter shared with other clients of this process; by default the client has its own. */
  limiter?: StoreRateLimiter;
  clock?: SallaClock;
  sleep?: SallaSleep;
  /** Randomness for backoff jitter, in [0, 1). */
  random?: () => number;
  logger?: SallaApiLogger;
}

/** Salla's documented ceiling for `per_page`. */
export const SALLA_MAX_PER_PAGE = 60;

/**
 * After this many 429s a call starts spending attempts on them. A 429 means Salla did not process the
 * request and told us when to come back, so waiting is not a failure of the call — but when 429s keep
 * coming (another process shares the budget, or the plan is wrong) the call must still end.
 */
export const FREE_RATE_LIMIT_WAITS = 3;

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface CallPlan {
  method: HttpMethod;
  storeId: string;
  path: string;
  query?: SallaQuery;
  body?: unknown;
  priority: SallaRequestPriority;
  idempotent: boolean;
}

type Exchange =
  | { kind: 'answer'; status: number; headers: Headers; body: unknown }
  /** No usable answer. `sent`: the request may have reached Salla (so a non-idempotent write is not resent). */
  | { kind: 'failure'; reason: 'timeout' | 'network'; sent: boolean; cause: unknown };

/** Connection errors that happen before a request leaves this host: resending cannot duplicate anything. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The Salla Merchant API for many stores. Every HTTP request first takes a slot from the store's
 * {@link StoreRateLimiter} (retries included), so the plan's per-minute limit holds across all callers of
 * this process. Then:
 * - 2xx → `{ data, pagination?, status }` from either envelope;
 * - 401 → one token renewal and one resend; a second 401 → {@link SallaUnauthorizedError} (permanent);
 * - 429 → the store pauses for `Retry-After`, then the call resends (see {@link FREE_RATE_LIMIT_WAITS});
 * - abuse 403 → the store pauses for `abuseBackoffMs`, `salla_api_abuse_blocks_total` counts it, and the call
 *   fails with {@link SallaAbuseBlockedError} (transient), as does every call for that store meanwhile;
 * - 5xx, timeout, dropped connection → resent after a jittered exponential backoff, up to `maxAttempts`;
 * - other 4xx → a permanent error carrying Salla's code, message and `fields`.
 * `X-RateLimit-Remaining: 0` on any answer pauses the store until `X-RateLimit-Reset`.
 */
export class SallaApiClient {
  private readonly baseUrl: string;
  private readonly tokens: SallaAccessTokens;
  private readonly planLimits: PlanLimits;
  private readonly limiter: StoreRateLimiter;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly abuseBackoffMs: number;
  private readonly defaultRetryAfterMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly clock: SallaClock;
  private readonly sleep: SallaSleep;
  private readonly random: () => number;
  private readonly logger: SallaApiLogger | undefined;

  constructor(options: SallaApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.tokens = options.tokens;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? systemSleep;
    this.planLimits = new PlanLimits(options.plans, this.clock);
    this.limiter =
      options.limiter ??
      new StoreRateLimiter({ clock: this.clock, sleep: this.sleep, bulkShare: options.bulkShare });
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.abuseBackoffMs = options.abuseBackoffMs ?? 5 * 60_000;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 10_000;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
  }

  get<T>(storeId: string, path: string, options: SallaGetOptions = {}): Promise<SallaResponse<T>> {
    return this.call<T>({ method: 'GET', storeId, path, query: options.query, ...this.flags(options) });
  }

  post<T>(
    storeId: string,
    path: string,
    body: unknown,
    options: SallaRequestOptions = {},
  ): Promise<SallaResponse<T>> {
    return this.call<T>({ method: 'POST', storeId, path, body, ...this.flags(options) });
  }

  put<T>(
    storeId: string,
    path: string,
    body: unknown,
    options: SallaRequestOptions = {},
  ): Promise<SallaResponse<T>> {
    return this.call<T>({ method: 'PUT', storeId, path, body, ...this.flags(options) });
  }

  delete<T = unknown>(
    storeId: string,
    path: string,
    options: SallaGetOptions = {},
  ): Promise<SallaResponse<T>> {
    return this.call<T>({ method: 'DELETE', storeId, path, query: options.query, ...this.flags(options) });
  }

  /**
   * Every page of a paged listing, one request per page, from `startPage` until Salla's `totalPages` (or an
   * empty page). Each page carries its number, so a backfill can checkpoint it and resume after it.
   * A listing answered without `pagination` is one page.
   */
  async *paginate<T>(
    storeId: string,
    path: string,
    options: SallaPaginateOptions = {},
  ): AsyncGenerator<SallaPage<T>, void, undefined> {
    const perPage = Math.min(
      SALLA_MAX_PER_PAGE,
      Math.max(1, Math.floor(options.perPage ?? SALLA_MAX_PER_PAGE)),
    );
    let page = Math.max(1, Math.floor(options.startPage ?? 1));
    for (;;) {
      const res = await this.get<unknown>(storeId, path, {
        query: { ...options.query, page, per_page: perPage },
        priority: options.priority,
      });
      // An empty listing may come as `data: null`; anything else that is not a list is a broken answer.
      const data = res.data ?? [];
      if (!Array.isArray(data)) {
        throw new SallaApiError(`Salla GET ${routeTemplate(path)} page ${page} answered without a list`, {
          status: res.status,
          method: 'GET',
          route: routeTemplate(path),
          transient: false,
        });
      }
      const items = data as T[];
      const pagination = res.pagination;
      yield {
        items,
        page,
        totalPages: pagination?.totalPages ?? page,
        total: pagination?.total ?? items.length,
        perPage: pagination?.perPage || perPage,
      };
      if (!pagination || page >= pagination.totalPages || items.length === 0) return;
      page++;
    }
  }

  private flags(options: SallaRequestOptions): Pick<CallPlan, 'priority' | 'idempotent'> {
    return { priority: options.priority ?? 'live', idempotent: options.idempotent ?? true };
  }

  private async call<T>(plan: CallPlan): Promise<SallaResponse<T>> {
    if (plan.storeId.trim() === '') throw new Error('SallaApiClient: a store id is required');
    const url = this.urlFor(plan.path, plan.query);
    const ctx: SallaApiErrorDetails = { method: plan.method, route: routeTemplate(plan.path) };
    let token = await this.tokens.accessTokenFor(plan.storeId);
    let renewed = false;
    let failures = 0;
    let freeWaits = 0;

    for (;;) {
      await this.takeSlot(plan, ctx);
      const exchange = await this.exchange(plan, url, token, ctx);
      const now = this.clock.now();

      if (exchange.kind === 'failure') {
        failures++;
        const what =
          exchange.reason === 'timeout' ? `no answer within ${this.timeoutMs} ms` : 'connection failed';
        if ((exchange.sent && !plan.idempotent) || failures >= this.maxAttempts) {
          throw new SallaUnavailableError(this.describe(plan, ctx, what, failures), {
            ...ctx,
            cause: exchange.cause,
          });
        }
        await this.backoff(failures);
        continue;
      }

      const spentUntil = budgetSpentUntil(exchange.headers, now);
      if (spentUntil !== undefined) this.limiter.pause(plan.storeId, spentUntil);

      const status = failureStatusIn(exchange.body) ?? exchange.status;
      if (status >= 200 && status < 300) {
        const { data, pagination } = readSuccess(exchange.body);
        return { data: data as T, pagination, status };
      }

      const info = readError(exchange.body);
      const details: SallaApiErrorDetails = { ...ctx, status, code: info.code, fields: info.fields };
      const message = this.describe(plan, ctx, answered(status, info), failures);

      if (status === 401) {
        if (renewed) throw new SallaUnauthorizedError(message, details);
        renewed = true;
        token = await this.tokens.renewAfterUnauthorized(plan.storeId, token);
        continue;
      }

      if (status === 429) {
        sallaApiMetrics.rateLimited.add(1);
        const waitMs = retryAfterMs(exchange.headers, now) ?? this.defaultRetryAfterMs;
        // The whole store waits, not just this call: every other request would get the same answer.
        this.limiter.pause(plan.storeId, now + waitMs);
        if (freeWaits < FREE_RATE_LIMIT_WAITS) freeWaits++;
        else failures++;
        if (failures >= this.maxAttempts) throw new SallaRateLimitedError(message, details, waitMs);
        this.logger?.warn('Salla answered 429; the store waits before sending again', {
          storeId: plan.storeId,
          route: ctx.route,
          waitMs,
        });
        sallaApiMetrics.retries.add(1);
        continue;
      }

      if (status === 403) {
        if (!isAbuseBlock(exchange.headers, info)) throw new SallaForbiddenError(message, details);
        const blockedUntil = now + Math.max(this.abuseBackoffMs, retryAfterMs(exchange.headers, now) ?? 0);
        this.limiter.block(plan.storeId, blockedUntil);
        sallaApiMetrics.abuseBlocks.add(1);
        this.logger?.warn('Salla blocked the store for abuse; its calls are paused', {
          storeId: plan.storeId,
          route: ctx.route,
          blockedUntil: new Date(blockedUntil).toISOString(),
        });
        throw new SallaAbuseBlockedError(message, details, blockedUntil);
      }

      if (status === 404) throw new SallaNotFoundError(message, details);
      if (status === 422) throw new SallaValidationError(message, details);

      if (status >= 500 || status === 408) {
        failures++;
        if (!plan.idempotent || failures >= this.maxAttempts) {
          const final = this.describe(plan, ctx, answered(status, info), failures);
          throw new SallaUnavailableError(final, details);
        }
        await this.backoff(failures, retryAfterMs(exchange.headers, now));
        continue;
      }

      throw new SallaApiError(message, { ...details, transient: false });
    }
  }

  /** Waits for the store's limiter; a store paused for abuse fails at once. */
  private async takeSlot(plan: CallPlan, ctx: SallaApiErrorDetails): Promise<void> {
    const limit = await this.planLimits.limitFor(plan.storeId);
    try {
      await this.limiter.acquire(plan.storeId, plan.priority, limit);
    } catch (err) {
      if (!(err instanceof StoreBlockedError)) throw err;
      throw new SallaAbuseBlockedError(
        `Salla ${plan.method} ${ctx.route ?? ''} for store ${plan.storeId} not sent: ` +
          `the store is paused after an abuse block until ${new Date(err.blockedUntil).toISOString()}`,
        ctx,
        err.blockedUntil,
      );
    }
  }

  /** One HTTP request and its whole body, within `timeoutMs`. Records the request metrics. */
  private async exchange(
    plan: CallPlan,
    url: string,
    token: string,
    ctx: SallaApiErrorDetails,
  ): Promise<Exchange> {
    const labels = { method: plan.method, route: ctx.route ?? '' };
    const started = performance.now();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (plan.body !== undefined) headers['content-type'] = 'application/json';
    let result: Exchange;
    try {
      const res = await fetch(url, {
        method: plan.method,
        headers,
        body: plan.body === undefined ? undefined : JSON.stringify(plan.body),
        // A redirect would carry the bearer token to wherever it points.
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      result = { kind: 'answer', status: res.status, headers: res.headers, body: parseJsonBody(text) };
    } catch (err) {
      // By name, not `instanceof`: the DOMException may come from another realm (Node's fetch vs a vm).
      const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      result = {
        kind: 'failure',
        reason: timedOut ? 'timeout' : 'network',
        sent: timedOut || !NOT_SENT_CODES.has(errorCode(err) ?? ''),
        cause: err,
      };
    }
    sallaApiMetrics.duration.record((performance.now() - started) / 1000, labels);
    sallaApiMetrics.requests.add(1, {
      ...labels,
      status: result.kind === 'answer' ? String(result.status) : result.reason,
    });
    return result;
  }

  private async backoff(failures: number, atLeastMs = 0): Promise<void> {
    sallaApiMetrics.retries.add(1);
    const delay = computeBackoff(failures, {
      baseMs: this.retryBaseMs,
      maxMs: this.retryMaxMs,
      random: this.random,
    });
    await this.sleep(Math.max(delay, atLeastMs));
  }

  private urlFor(path: string, query: SallaQuery | undefined): string {
    // Only paths under the base URL: the bearer token must never be sent anywhere else.
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
      throw new Error('SallaApiClient: pass a path relative to the API base URL, not a full URL');
    }
    const url = new URL(`${this.baseUrl}/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      const values: ReadonlyArray<string | number | boolean> = Array.isArray(value)
        ? value
        : [value as string];
      for (const v of values) url.searchParams.append(key, String(v));
    }
    return url.toString();
  }

  private describe(plan: CallPlan, ctx: SallaApiErrorDetails, what: string, failures: number): string {
    const tries = failures > 1 ? ` (after ${failures} attempts)` : '';
    return `Salla ${plan.method} ${ctx.route ?? ''} for store ${plan.storeId}: ${what}${tries}`;
  }
}

function answered(status: number, info: SallaErrorInfo): string {
  const code = info.code !== undefined ? ` ${info.code}` : '';
  const message = info.message !== undefined ? `: ${info.message}` : '';
  return `answered ${status}${code}${message}`;
}

/** `code` of a Node/undici error, looking through `fetch failed`'s cause. */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
