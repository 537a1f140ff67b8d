import { BoundIdMemo } from '../../src/bindings/bound-id-memo';

describe('BoundIdMemo (bound Odoo ids kept in memory)', () => {
  afterEach(() => jest.useRealTimers());

  it("answers for the same store and Odoo database only, never another's", () => {
    const memo = new BoundIdMemo(10, 60_000);
    memo.keep('customer', 's1', 'db-a', 'customer_s1_7', 42);
    expect(memo.get('s1', 'db-a', 'customer_s1_7')).toBe(42);
    expect(memo.get('s1', 'db-b', 'customer_s1_7')).toBeNull();
    expect(memo.get('s2', 'db-a', 'customer_s1_7')).toBeNull();
  });

  it('keeps no product or variant ids: those bindings can be dropped or re-pointed by another replica', () => {
    const memo = new BoundIdMemo(10, 60_000);
    memo.keep('product', 's1', 'db', 'product_s1_1', 5);
    memo.keep('variant', 's1', 'db', 'variant_s1_1', 6);
    memo.keep('sku', 's1', 'db', 'sku_s1_A', 7);
    expect(memo.get('s1', 'db', 'product_s1_1')).toBeNull();
    expect(memo.get('s1', 'db', 'variant_s1_1')).toBeNull();
    expect(memo.get('s1', 'db', 'sku_s1_A')).toBe(7);
  });

  it('forgets an entry once it is older than its time to live, or when told to', () => {
    jest.useFakeTimers({ now: 0 });
    const memo = new BoundIdMemo(10, 1_000);
    memo.keep('carrier', 's1', 'db', 'carrier_s1_1', 3);
    memo.keep('order', 's1', 'db', 'order_s1_1', 4);
    memo.forget('order_s1_1');
    expect(memo.get('s1', 'db', 'order_s1_1')).toBeNull();
    jest.setSystemTime(999);
    expect(memo.get('s1', 'db', 'carrier_s1_1')).toBe(3);
    jest.setSystemTime(1_000);
    expect(memo.get('s1', 'db', 'carrier_s1_1')).toBeNull();
  });

  it('holds at most maxEntries, dropping the least recently kept first', () => {
    const memo = new BoundIdMemo(2, 60_000);
    memo.keep('customer', 's', 'db', 'a', 1);
    memo.keep('customer', 's', 'db', 'b', 2);
    memo.keep('customer', 's', 'db', 'a', 1); // kept again: now the newest
    memo.keep('customer', 's', 'db', 'c', 3);
    expect([memo.get('s', 'db', 'a'), memo.get('s', 'db', 'b'), memo.get('s', 'db', 'c')]).toEqual([
      1,
      null,
      3,
    ]);
  });
});
