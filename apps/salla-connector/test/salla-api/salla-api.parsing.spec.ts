import { limitForPlan, PlanLimits, routeTemplate } from '../../src/salla-api';
import { budgetSpentUntil, isAbuseBlock, retryAfterMs } from '../../src/salla-api/rate-limit-headers';
import { failureStatusIn, parsePagination, readError, readSuccess } from '../../src/salla-api/salla-envelope';
import { FakeClock } from './support/fake-clock';

const NOW = Date.UTC(2025, 0, 1);

describe('Salla answers and headers', () => {
  it('reads data from the wrapped envelope and takes a bare object as the data itself', () => {
    expect(readSuccess({ status: 200, success: true, data: { id: 1 } })).toEqual({ data: { id: 1 } });
    expect(readSuccess({ id: 1, name: 'x' })).toEqual({ data: { id: 1, name: 'x' } });
    expect(readSuccess(undefined)).toEqual({ data: undefined });
    expect(failureStatusIn({ status: 422, success: false, error: { code: 'error' } })).toBe(422);
    expect(failureStatusIn({ status: 200, success: true, data: [] })).toBeUndefined();
  });

  it('reads errors from Salla’s envelope, the OAuth shape and the Laravel shape', () => {
    expect(
      readError({
        status: 422,
        success: false,
        error: {
          code: 'error',
          message: 'invalid',
          fields: { 'products.0.quantity': ['must be a number'], x: 'one' },
        },
      }),
    ).toEqual({
      code: 'error',
      message: 'invalid',
      fields: { 'products.0.quantity': ['must be a number'], x: ['one'] },
    });
    expect(readError({ error: 'invalid_grant', error_description: 'used twice' })).toEqual({
      code: 'invalid_grant',
      message: 'used twice',
      fields: undefined,
    });
    expect(readError({ message: 'The given data was invalid.', errors: { sku: ['taken'] } })).toEqual({
      code: undefined,
      message: 'The given data was invalid.',
      fields: { sku: ['taken'] },
    });
    expect(readError(undefined)).toEqual({});
  });

  it('normalises pagination in camelCase or snake_case and ignores an unusable one', () => {
    const expected = { count: 60, total: 130, perPage: 60, currentPage: 2, totalPages: 3 };
    expect(
      parsePagination({ count: 60, total: 130, perPage: 60, currentPage: 2, totalPages: 3, links: {} }),
    ).toEqual(expected);
    expect(
      parsePagination({ count: '60', total: 130, per_page: 60, current_page: 2, total_pages: '3' }),
    ).toEqual(expected);
    expect(parsePagination({ total: 5 })).toBeUndefined();
  });

  it('templates routes so no id, SKU or query reaches a metric label', () => {
    expect(routeTemplate('/orders/123/status')).toBe('/orders/:id/status');
    expect(routeTemplate('orders/123?page=2')).toBe('/orders/:id');
    expect(routeTemplate('/products/sku/red-shirt')).toBe('/products/sku/:sku');
    expect(routeTemplate('/products/variants/98765')).toBe('/products/variants/:id');
    expect(routeTemplate('/products/quantities/bulk')).toBe('/products/quantities/bulk');
    expect(routeTemplate('/customers/Ab3dE')).toBe('/customers/:id');
  });

  it('reads Retry-After as seconds or a date, and caps absurd values', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), NOW)).toBe(7_000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(NOW + 30_000).toUTCString() }), NOW)).toBe(
      30_000,
    );
    expect(retryAfterMs(new Headers({ 'retry-after': '99999999' }), NOW)).toBe(15 * 60_000);
    expect(retryAfterMs(new Headers(), NOW)).toBeUndefined();
  });

  it('knows the budget is spent only at Remaining 0, with Reset as epoch seconds, epoch ms or seconds', () => {
    const spent = (reset: string | undefined) =>
      budgetSpentUntil(
        new Headers({ 'x-ratelimit-remaining': '0', ...(reset ? { 'x-ratelimit-reset': reset } : {}) }),
        NOW,
      );
    expect(spent(String((NOW + 20_000) / 1000))).toBe(NOW + 20_000);
    expect(spent(String(NOW + 20_000))).toBe(NOW + 20_000);
    expect(spent('20')).toBe(NOW + 20_000);
    expect(spent(undefined)).toBe(NOW + 60_000);
    expect(budgetSpentUntil(new Headers({ 'x-ratelimit-remaining': '3' }), NOW)).toBeUndefined();
    expect(budgetSpentUntil(new Headers(), NOW)).toBeUndefined();
  });

  it('tells an abuse 403 from a missing permission', () => {
    expect(isAbuseBlock(new Headers(), { message: 'Too Many Requests' })).toBe(true);
    expect(isAbuseBlock(new Headers({ 'retry-after': '300' }), {})).toBe(true);
    expect(isAbuseBlock(new Headers(), { code: 'Forbidden', message: 'This action is unauthorized.' })).toBe(
      false,
    );
  });

  it('maps plans to per-minute limits, unknown plans to the slowest, and asks the registry once per TTL', async () => {
    expect([
      limitForPlan('Plus'),
      limitForPlan('pro'),
      limitForPlan('Special'),
      limitForPlan(undefined),
    ]).toEqual([120, 360, 720, 120]);
    expect(limitForPlan('basic')).toBe(120);

    const clock = new FakeClock(NOW);
    const asked: string[] = [];
    let plan = 'plus';
    const limits = new PlanLimits(
      {
        planOf: (storeId) => {
          asked.push(storeId);
          return Promise.resolve(plan);
        },
      },
      clock,
      60_000,
    );
    expect(await limits.limitFor('s1')).toBe(120);
    plan = 'special';
    expect(await limits.limitFor('s1')).toBe(120); // cached
    clock.advance(60_000);
    expect(await limits.limitFor('s1')).toBe(720); // upgrade picked up
    expect(asked).toEqual(['s1', 's1']);
  });
});
