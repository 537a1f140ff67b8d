import { classifyError } from '@app/messaging';
import { waitFor } from '@app/testing';
import { getTelemetry, shutdownTelemetry, startTelemetry } from '@app/observability';

import {
  FREE_RATE_LIMIT_WAITS,
  SallaAbuseBlockedError,
  type SallaAccessTokens,
  SallaApiClient,
  type SallaApiClientOptions,
  SallaApiError,
  SallaForbiddenError,
  SallaNotFoundError,
  type SallaPage,
  SallaRateLimitedError,
  SallaUnauthorizedError,
  SallaUnavailableError,
  SallaValidationError,
} from '../../src/salla-api';
import { FakeClock, settle } from './support/fake-clock';
import { ok, type ScriptedSalla, startScriptedSalla } from './support/scripted-salla';

const STORE = '1305146709';
const SECRET_TOKEN = 'ory_at_SECRET-first';
const RENEWED_TOKEN = 'ory_at_SECRET-renewed';

class FakeTokens implements SallaAccessTokens {
  current = SECRET_TOKEN;
  renewals: string[] = [];
  failWith: Error | undefined;

  accessTokenFor(): Promise<string> {
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(this.current);
  }
  renewAfterUnauthorized(_storeId: string, refused: string): Promise<string> {
    this.renewals.push(refused);
    this.current = RENEWED_TOKEN;
    return Promise.resolve(this.current);
  }
}

/** Sum of a Prometheus series over the lines whose labels include every given pair. */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await getTelemetry()?.metricsText()) ?? '';
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labelText = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

async function failureOf(promise: Promise<unknown>): Promise<SallaApiError> {
  try {
    await promise;
  } catch (err) {
    return err as SallaApiError;
  }
  throw new Error('expected the call to fail');
}

describe('SallaApiClient', () => {
  let salla: ScriptedSalla;
  let tokens: FakeTokens;
  let clock: FakeClock;
  let client: SallaApiClient;
  let plan: string | undefined;

  const newClient = (options: Partial<SallaApiClientOptions> = {}): SallaApiClient =>
    new SallaApiClient({
      baseUrl: salla.baseUrl,
      tokens,
      plans: { planOf: () => Promise.resolve(plan) },
      clock,
      sleep: clock.sleep,
      random: () => 0.5,
      ...options,
    });

  beforeAll(async () => {
    startTelemetry({ serviceName: 'salla-api-spec', enabled: false });
    salla = await startScriptedSalla();
  });
  afterAll(async () => {
    await salla.close();
    await shutdownTelemetry();
  });
  beforeEach(() => {
    salla.reset();
    tokens = new FakeTokens();
    clock = new FakeClock(Date.UTC(2025, 0, 1), true);
    plan = 'pro';
    client = newClient();
  });

  describe('answers', () => {
    it('returns the envelope data with its pagination, sending the bearer token and the query', async () => {
      const pagination = { count: 2, total: 2, perPage: 60, currentPage: 1, totalPages: 1, links: {} };
      salla.queue(ok([{ id: 1 }, { id: 2 }], { pagination }));

      const res = await client.get<Array<{ id: number }>>(STORE, '/orders', {
        query: { 'status[]': [566146469, 814202285], from_date: '2025-01-01', reference_id: undefined },
      });

      expect(res).toEqual({
        data: [{ id: 1 }, { id: 2 }],
        pagination: { count: 2, total: 2, perPage: 60, currentPage: 1, totalPages: 1 },
        status: 200,
      });
      const [request] = salla.requests;
      expect(request?.path).toBe('/admin/v2/orders');
      expect(request?.authorization).toBe(`Bearer ${SECRET_TOKEN}`);
      expect(request?.query.getAll('status[]')).toEqual(['566146469', '814202285']);
      expect(request?.query.get('from_date')).toBe('2025-01-01');
      expect(request?.query.has('reference_id')).toBe(false);
    });

    it('sends a JSON body, reads a bare object as data and accepts an empty 202', async () => {
      salla.queue({ status: 201, body: { message: 'queued' } }, { status: 202 });
      const body = {
        products: [{ identifer_type: 'sku', identifer: 'A-1', quantity: 4, mode: 'overwrite' }],
      };

      const created = await client.post<{ message: string }>(STORE, '/products/quantities/bulk', body);
      const deleted = await client.delete(STORE, '/webhooks/unsubscribe', { query: { id: 7 } });

      expect(created).toEqual({ data: { message: 'queued' }, pagination: undefined, status: 201 });
      expect(deleted).toEqual({ data: undefined, pagination: undefined, status: 202 });
      expect(salla.requests.map((r) => [r.method, r.body])).toEqual([
        ['POST', body],
        ['DELETE', undefined],
      ]);
    });

    it('turns a 422 into a permanent validation error with Salla’s fields verbatim and no token', async () => {
      const fields = {
        'products.0.quantity': ['The quantity must be a number.'],
        'products.3.identifer': ['unknown'],
      };
      salla.queue({
        status: 422,
        body: {
          status: 422,
          success: false,
          error: { code: 'error', message: 'alert.invalid_fields', fields },
        },
      });

      const err = await failureOf(client.post(STORE, '/products/quantities/bulk', { products: [] }));

      expect(err).toBeInstanceOf(SallaValidationError);
      expect(err).toMatchObject({ status: 422, code: 'error', fields, transient: false, permanent: true });
      expect(classifyError(err)).toBe('permanent');
      expect(err.message).toContain('alert.invalid_fields');
      expect(err.message).not.toContain('SECRET');
      expect(salla.requests).toHaveLength(1);
    });

    it('reports 404 as not found and a missing-scope 403 as forbidden, both permanent and not retried', async () => {
      salla.queue(
        { status: 404, body: { status: 404, success: false, error: { code: 404, message: 'not found' } } },
        {
          status: 403,
          body: { status: 403, success: false, error: { code: 'Forbidden', message: 'scope missing' } },
        },
      );

      const missing = await failureOf(client.get(STORE, '/orders/42'));
      const forbidden = await failureOf(client.get(STORE, '/customers'));

      expect(missing).toBeInstanceOf(SallaNotFoundError);
      expect(missing).toMatchObject({ status: 404, route: '/orders/:id', permanent: true });
      expect(forbidden).toBeInstanceOf(SallaForbiddenError);
      expect(classifyError(forbidden)).toBe('permanent');
      expect(salla.requests).toHaveLength(2);
    });

    it('lets a permanent error of token custody through unchanged, sending nothing', async () => {
      tokens.failWith = Object.assign(new Error('store 1305146709 was uninstalled'), { permanent: true });

      const err = await failureOf(client.get(STORE, '/store/info'));

      expect(err).toBe(tokens.failWith);
      expect(salla.requests).toHaveLength(0);
    });
  });

  describe('tokens', () => {
    it('renews the token once after a 401 and succeeds with the fresh one', async () => {
      salla.queue({ status: 401, body: { status: 401, success: false, error: { code: 'Unauthorized' } } });
      salla.respondWith(() => ok({ id: STORE }));

      const res = await client.get(STORE, '/store/info');

      expect(res.data).toEqual({ id: STORE });
      expect(tokens.renewals).toEqual([SECRET_TOKEN]);
      expect(salla.requests.map((r) => r.authorization)).toEqual([
        `Bearer ${SECRET_TOKEN}`,
        `Bearer ${RENEWED_TOKEN}`,
      ]);
    });

    it('gives up with a permanent unauthorized error when the renewed token is refused too', async () => {
      salla.respondWith(() => ({
        status: 401,
        body: { status: 401, success: false, error: { code: 'Unauthorized' } },
      }));

      const err = await failureOf(client.get(STORE, '/store/info'));

      expect(err).toBeInstanceOf(SallaUnauthorizedError);
      expect(classifyError(err)).toBe('permanent');
      expect(tokens.renewals).toHaveLength(1);
      expect(salla.requests).toHaveLength(2);
      expect(err.message).not.toContain('SECRET');
    });
  });

  describe('rate limits', () => {
    it('waits as long as a 429’s Retry-After says, then succeeds', async () => {
      const before = await metric('salla_api_rate_limited_total');
      const seenAt: number[] = [];
      salla.respondWith(() => {
        seenAt.push(clock.now());
        return seenAt.length === 1
          ? { status: 429, headers: { 'retry-after': '7' }, body: { status: 429, success: false } }
          : ok({ id: 5 });
      });

      const res = await client.get(STORE, '/products/5');

      expect(res.data).toEqual({ id: 5 });
      expect(seenAt).toHaveLength(2);
      expect(seenAt[1] - seenAt[0]).toBeGreaterThanOrEqual(7_000);
      expect(await metric('salla_api_rate_limited_total')).toBe(before + 1);
    });

    it('keeps obeying 429s for a few free waits, then spends attempts, then fails transiently', async () => {
      client = newClient({ maxAttempts: 2 });
      salla.respondWith(() => ({ status: 429, headers: { 'retry-after': '1' } }));

      const err = await failureOf(client.get(STORE, '/orders'));

      expect(err).toBeInstanceOf(SallaRateLimitedError);
      expect(err.transient).toBe(true);
      expect(classifyError(err)).toBe('transient');
      expect(salla.requests).toHaveLength(FREE_RATE_LIMIT_WAITS + 2);
    });

    it('holds the store’s next request until X-RateLimit-Reset when Remaining is 0', async () => {
      const seenAt: number[] = [];
      const resetAt = clock.now() + 30_000;
      salla.respondWith(() => {
        seenAt.push(clock.now());
        const headers: Record<string, string> =
          seenAt.length === 1
            ? {
                'x-ratelimit-limit': '360',
                'x-ratelimit-remaining': '0',
                'x-ratelimit-reset': String(resetAt / 1000),
              }
            : {};
        return { ...ok([]), headers };
      });

      await client.get(STORE, '/products');
      await client.get(STORE, '/products');

      expect(seenAt[1]).toBeGreaterThanOrEqual(resetAt);
    });

    it('pauses a store after an abuse 403, counts it, and fails its calls until the pause ends', async () => {
      client = newClient({ abuseBackoffMs: 300_000 });
      const before = await metric('salla_api_abuse_blocks_total');
      salla.queue({
        status: 403,
        body: { status: 403, success: false, error: { code: 'Forbidden', message: 'Too Many Requests' } },
      });
      salla.respondWith(() => ok({ fine: true }));

      const blocked = await failureOf(client.get(STORE, '/orders/1'));
      expect(blocked).toBeInstanceOf(SallaAbuseBlockedError);
      expect(blocked.transient).toBe(true);
      expect(classifyError(blocked)).toBe('transient');
      expect(await metric('salla_api_abuse_blocks_total')).toBe(before + 1);

      // While paused nothing is sent for that store; other stores carry on.
      const meanwhile = await failureOf(client.get(STORE, '/orders/2'));
      expect(meanwhile).toBeInstanceOf(SallaAbuseBlockedError);
      expect((await client.get('other-store', '/orders/2')).data).toEqual({ fine: true });
      expect(salla.requests).toHaveLength(2);

      clock.advance(300_000);
      expect((await client.get(STORE, '/orders/3')).data).toEqual({ fine: true });
    });

    it('treats a 403 with Retry-After as an abuse block even without words saying so', async () => {
      salla.queue({ status: 403, headers: { 'retry-after': '600' }, body: '<html>blocked</html>' });

      const err = await failureOf(client.get(STORE, '/orders'));

      expect(err).toBeInstanceOf(SallaAbuseBlockedError);
      expect((err as SallaAbuseBlockedError).blockedUntil).toBe(clock.now() + 600_000);
    });
  });

  describe('failures', () => {
    it('retries 5xx with backoff: two failures then OK is one success after three requests', async () => {
      const retriesBefore = await metric('salla_api_retries_total');
      salla.queue(
        { status: 502, body: '<html>Bad gateway</html>' },
        { status: 503, body: { status: 503, success: false } },
      );
      salla.respondWith(() => ok({ id: 9 }));

      const res = await client.get(STORE, '/orders/9');

      expect(res).toMatchObject({ data: { id: 9 }, status: 200 });
      expect(salla.requests).toHaveLength(3);
      expect(await metric('salla_api_retries_total')).toBe(retriesBefore + 2);
      // Exponential: the second wait is longer than the first.
      expect(clock.sleeps.length).toBeGreaterThanOrEqual(2);
      expect(clock.sleeps[1]).toBeGreaterThan(clock.sleeps[0]);
    });

    it('fails transiently as unavailable after maxAttempts 5xx answers', async () => {
      salla.respondWith(() => ({ status: 500, body: 'Internal error' }));

      const err = await failureOf(client.get(STORE, '/orders'));

      expect(err).toBeInstanceOf(SallaUnavailableError);
      expect(err).toMatchObject({ status: 500, transient: true, permanent: false });
      expect(err.message).toContain('answered 500 (after 5 attempts)');
      expect(salla.requests).toHaveLength(5);
    });

    it('does not resend a non-idempotent write after a 5xx (Salla may have applied it)', async () => {
      salla.respondWith(() => ({ status: 504 }));

      const err = await failureOf(
        client.post(STORE, '/products/quantities/bulk', { products: [] }, { idempotent: false }),
      );

      expect(err).toBeInstanceOf(SallaUnavailableError);
      expect(salla.requests).toHaveLength(1);
    });

    it('retries a request that times out and names no token in the final error', async () => {
      client = newClient({ timeoutMs: 150, maxAttempts: 2 });
      salla.respondWith(() => ({ status: 200, hang: true }));

      const err = await failureOf(client.get(STORE, '/store/info'));

      expect(err).toBeInstanceOf(SallaUnavailableError);
      expect(err.message).toMatch(/no answer within 150 ms/);
      expect(err.message).not.toContain('SECRET');
      expect(salla.requests).toHaveLength(2);
    });

    it('retries a refused connection', async () => {
      client = newClient({ baseUrl: 'http://127.0.0.1:1/admin/v2', maxAttempts: 3 });

      const err = await failureOf(client.get(STORE, '/store/info'));

      expect(err).toBeInstanceOf(SallaUnavailableError);
      expect(err.message).toContain('after 3 attempts');
    });
  });

  describe('paging', () => {
    const products = Array.from({ length: 130 }, (_, i) => ({ id: i + 1 }));
    const pagedResponder = () =>
      salla.respondWith((req) => {
        const page = Number(req.query.get('page'));
        const perPage = Number(req.query.get('per_page'));
        const totalPages = Math.ceil(products.length / perPage);
        return ok(products.slice((page - 1) * perPage, page * perPage), {
          pagination: { count: 0, total: products.length, perPage, currentPage: page, totalPages },
        });
      });

    async function collect(iterable: AsyncIterable<SallaPage<{ id: number }>>) {
      const pages: Array<SallaPage<{ id: number }>> = [];
      for await (const page of iterable) pages.push(page);
      return pages;
    }

    it('iterates every page once, at most 60 per page, and stops after the last', async () => {
      pagedResponder();

      const pages = await collect(client.paginate(STORE, '/products', { perPage: 100, priority: 'bulk' }));

      expect(pages.map((p) => [p.page, p.items.length, p.totalPages, p.total, p.perPage])).toEqual([
        [1, 60, 3, 130, 60],
        [2, 60, 3, 130, 60],
        [3, 10, 3, 130, 60],
      ]);
      expect(pages.flatMap((p) => p.items)).toEqual(products);
      expect(salla.requests).toHaveLength(3);
      expect(salla.requests.map((r) => r.query.get('per_page'))).toEqual(['60', '60', '60']);
    });

    it('resumes from a checkpointed page', async () => {
      pagedResponder();

      const pages = await collect(client.paginate(STORE, '/products', { startPage: 3 }));

      expect(pages.map((p) => p.page)).toEqual([3]);
      expect(pages[0]?.items[0]).toEqual({ id: 121 });
    });

    it('treats a listing without pagination as one page', async () => {
      salla.respondWith(() => ok([{ id: 1 }]));

      const pages = await collect(client.paginate(STORE, '/shipping/companies'));

      expect(pages).toEqual([{ items: [{ id: 1 }], page: 1, totalPages: 1, total: 1, perPage: 60 }]);
      expect(salla.requests).toHaveLength(1);
    });
  });

  it('labels request metrics with the templated route, never a raw id', async () => {
    salla.respondWith(() => ok({}));
    const before = await metric('salla_api_requests_total', { route: '/orders/:id', status: '200' });

    await client.get(STORE, '/orders/987654321');
    await client.get(STORE, '/products/sku/RED-SHIRT-XL');

    expect(await metric('salla_api_requests_total', { route: '/orders/:id', status: '200' })).toBe(
      before + 1,
    );
    expect(await metric('salla_api_requests_total', { route: '/products/sku/:sku' })).toBeGreaterThanOrEqual(
      1,
    );
    const text = (await getTelemetry()?.metricsText()) ?? '';
    expect(text).not.toContain('987654321');
    expect(text).not.toContain('RED-SHIRT-XL');
    expect(
      await metric('salla_api_request_duration_seconds_count', { route: '/orders/:id' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('uses the slowest plan’s budget when the store’s plan is unknown', async () => {
    plan = undefined;
    clock = new FakeClock(Date.UTC(2025, 0, 1), false); // moves only when told
    client = newClient();
    const start = clock.now();
    salla.respondWith(() => ok({}));

    const calls = Promise.all(Array.from({ length: 121 }, (_, i) => client.get(STORE, `/orders/${i}`)));
    await waitFor(() => salla.requests.length >= 120);
    await settle();
    // 120 went in the first minute; the 121st waits for the window to move on.
    expect(salla.requests).toHaveLength(120);
    expect(clock.now()).toBe(start);
    expect(clock.pendingTimers()).toBe(1); // the limiter holding the 121st

    await clock.runUntilIdle();
    await calls;
    expect(salla.requests).toHaveLength(121);
    expect(clock.now()).toBe(start + 60_000);
  });
});
