import { classifyError } from '@app/messaging';
import { type OrderTotals, type SalesOrderRefunded, type SalesOrderUpserted, Topic } from '@app/contracts';

import { mapOrder, paymentStatusOf, type SallaOrder, translate } from '../../src/translation';
import { parseAmount } from '../../src/translation/salla-money';
import { fixtureData, inputOf, problemsOf, testDeps } from './translation-test-kit';

const SAR = { fallbackCurrency: 'SAR' };

/** total = subtotal + shipping + cashOnDelivery + tax − discount, in exact decimals. */
function addsUp(t: OrderTotals): boolean {
  const parts =
    parseAmount(t.subtotal) + parseAmount(t.shipping) + parseAmount(t.cashOnDelivery) + parseAmount(t.tax);
  return parts - parseAmount(t.discount) === parseAmount(t.total);
}

function order(overrides: Partial<SallaOrder> = {}): SallaOrder {
  return { ...fixtureData<SallaOrder>('order.created.json'), ...overrides };
}

describe('order totals the Odoo connector can rely on', () => {
  it.each([
    'order.created.json',
    'order.updated.json',
    'order.payment.updated.json',
    'order.cancelled.json',
    'order.status.updated.json',
  ])("%s: the totals add up to Salla's total", async (file) => {
    const { deps } = testDeps();
    const result = await translate(inputOf(file), deps);
    const upsert = result.emit.find((e) => e.topic === Topic.SalesOrderUpserted)
      ?.payload as SalesOrderUpserted;
    expect(addsUp(upsert.totals)).toBe(true);
  });

  it("keeps Salla's figures when they agree: 186 + 15 + 0 + 0 − 5 = 196", () => {
    expect(mapOrder(order(), SAR).totals).toEqual({
      subtotal: '186',
      shipping: '15',
      cashOnDelivery: '0',
      discount: '5',
      tax: '0',
      total: '196',
    });
  });

  it("a reduction Salla does not list (free shipping, loyalty points) joins the discount; Salla's total stands", () => {
    const o = order();
    o.amounts = { ...o.amounts, total: { amount: 181, currency: 'SAR' } }; // 15 less than the parts explain
    const totals = mapOrder(o, SAR).totals;
    expect(totals).toMatchObject({ discount: '20', total: '181' });
    expect(addsUp(totals)).toBe(true);
  });

  it("a surplus Salla does not itemise (rounded VAT) joins the tax; Salla's total stands", () => {
    const o = order();
    o.amounts = { ...o.amounts, total: { amount: 196.01, currency: 'SAR' } };
    const totals = mapOrder(o, SAR).totals;
    expect(totals).toMatchObject({ tax: '0.01', discount: '5', total: '196.01' });
    expect(addsUp(totals)).toBe(true);
  });

  it('adds decimals exactly (no float drift): 0.1 + 0.2 of shipping and COD', () => {
    const o = order();
    o.amounts = {
      sub_total: { amount: 100.7, currency: 'SAR' },
      shipping_cost: 0.1,
      cash_on_delivery: '0.2',
      tax: { percent: '15.00', amount: { amount: 15.15, currency: 'SAR' } },
      discounts: [{ discount: '10.05' }, { discount: -1 }],
      total: { amount: 105.1, currency: 'SAR' },
    };
    const totals = mapOrder(o, SAR).totals;
    expect(totals).toEqual({
      subtotal: '100.7',
      shipping: '0.1',
      cashOnDelivery: '0.2',
      discount: '11.05',
      tax: '15.15',
      total: '105.1',
    });
    expect(addsUp(totals)).toBe(true);
  });

  it('an order summary without `amounts` still gets consistent totals from its `total` and lines', () => {
    const o = order({ amounts: undefined, total: { amount: 186, currency: 'SAR' } });
    const totals = mapOrder(o, SAR).totals;
    expect(totals).toMatchObject({ subtotal: '186', total: '186', discount: '0' });
    expect(addsUp(totals)).toBe(true);
  });
});

describe('order lines', () => {
  it('prices each line per unit, with the whole line discount, tax and what the customer pays for it', () => {
    const o = order();
    const item = o.items![0];
    item.quantity = 2;
    item.amounts = {
      price_without_tax: { amount: 50.5, currency: 'SAR' },
      total_discount: { amount: 10, currency: 'SAR' },
      tax: { percent: '15.00', amount: { amount: 13.65, currency: 'SAR' } },
      total: { amount: 101, currency: 'SAR' },
    };
    item.product_sku_id = 555;
    expect(mapOrder(o, SAR).lines[0]).toMatchObject({
      lineId: '70815337',
      productId: '720881993',
      variantId: '555',
      sku: '54534534',
      quantity: 2,
      unitPrice: '50.5',
      discount: '10',
      tax: '13.65',
      total: '104.65',
    });
  });

  it('keeps the chosen options so the Odoo line reads what was ordered', () => {
    expect(mapOrder(order(), SAR).lines[0].options).toEqual([
      { name: 'SIZE', value: 'BIG' },
      { name: 'الاضافات', value: 'بصل' },
      { name: 'الاضافات', value: 'فلفل' },
    ]);
  });

  it('refuses a line without a quantity permanently, naming the order and the field', () => {
    const o = order();
    o.items![0].quantity = 0;
    expect(() => mapOrder(o, SAR)).toThrow(
      'Salla order 2116149737: items[0].quantity must be a whole number ≥ 1',
    );
    try {
      mapOrder(o, SAR);
    } catch (err) {
      expect(classifyError(err)).toBe('permanent');
    }
  });

  it('refuses a negative price instead of publishing money the contract forbids', () => {
    const o = order();
    o.items![0].amounts!.price_without_tax = { amount: -3, currency: 'SAR' };
    expect(() => mapOrder(o, SAR)).toThrow('items[0].amounts.price_without_tax is negative');
  });

  it('refuses an order without lines or status', () => {
    expect(() => mapOrder(order({ items: [] }), SAR)).toThrow('items is empty');
    expect(() => mapOrder(order({ status: null }), SAR)).toThrow('status.slug is missing');
  });
});

describe('order buyer, shipping and payment', () => {
  it('snapshots the buyer with an international phone and the delivery address, without the 0,0 pin', () => {
    const mapped = mapOrder(order(), SAR);
    expect(mapped.customer).toMatchObject({
      customerId: '225167971',
      name: 'Mohammed Ali',
      phone: '+966501806978',
    });
    expect(mapped.shipping).toMatchObject({
      methodId: '1833934431',
      address: { countryCode: 'SA', city: 'جدة' },
    });
    expect(mapped.shipping?.address?.latitude).toBeUndefined();
    expect(mapped.placedAt).toBe('2022-06-26T09:21:45.000Z');
  });

  it('a guest checkout takes its snapshot from the receiver', async () => {
    const mapped = mapOrder(order({ customer: null }), SAR);
    expect(mapped.customer).toMatchObject({ name: 'Mohammed Ali', email: 'usertest@gmail.com' });
    expect(mapped.customer.customerId).toBeUndefined();
    expect(await problemsOf({ topic: Topic.SalesOrderUpserted, payload: mapped }, '1')).toEqual([]);
  });

  it('uses the store currency when the order names none', () => {
    const o = order({ currency: null });
    o.amounts = { ...o.amounts, total: 196 };
    expect(mapOrder(o, { fallbackCurrency: 'KWD' }).currency).toBe('KWD');
  });

  it.each([
    ['bank', 'under_review', false, 'pending'],
    ['bank', 'in_progress', false, 'paid'],
    ['cod', 'shipped', false, 'pending'],
    ['cod', 'delivered', false, 'paid'],
    ['credit_card', 'under_review', false, 'paid'],
    ['mada', 'payment_pending', false, 'pending'],
    ['apple_pay', 'in_progress', true, 'pending'],
    ['credit_card', 'canceled', false, 'cancelled'],
    ['credit_card', 'restored', false, 'refunded'],
  ] as const)(
    '%s order in %s (pending payment: %s) is %s',
    (paymentMethod, statusSlug, isPendingPayment, status) => {
      expect(paymentStatusOf({ paymentMethod, statusSlug, isPendingPayment })).toBe(status);
    },
  );
});

describe('order versions', () => {
  it("an order body without updated_at (Salla's own) is versioned by the webhook's time, so a late retry loses", async () => {
    const { deps } = testDeps();
    const input = inputOf('order.created.json');
    expect(input.data.updated_at).toBeUndefined();
    const [upsert] = (await translate(input, deps)).emit;
    expect((upsert.payload as SalesOrderUpserted).sourceUpdatedAt).toBe('2022-06-26T09:21:48.000Z');
  });

  it("an order's own updated_at, when it has one, wins over the webhook's time", async () => {
    const { deps } = testDeps();
    const input = inputOf('order.created.json');
    input.data = { ...input.data, updated_at: '2022-06-26 12:30:00' };
    const [upsert] = (await translate(input, deps)).emit;
    expect((upsert.payload as SalesOrderUpserted).sourceUpdatedAt).toBe('2022-06-26T09:30:00.000Z');
  });
});

describe('order cancellation and refund', () => {
  it('order.cancelled publishes the current order first, then the cancellation, for the same order', async () => {
    const input = inputOf('order.cancelled.json');
    const { deps } = testDeps();
    const result = await translate(input, deps);
    expect(result.emit.map((e) => [e.topic, (e.payload as { orderId: string }).orderId])).toEqual([
      [Topic.SalesOrderUpserted, '2116149737'],
      [Topic.SalesOrderCancelled, '2116149737'],
    ]);
    expect(result.emit[1].payload).toMatchObject({
      referenceId: '41027662',
      cancelledAt: input.createdAtUtc,
    });
  });

  it("order.refunded refunds the order's whole total in its currency", async () => {
    const { deps } = testDeps();
    const result = await translate(inputOf('order.refunded.json'), deps);
    const refund = result.emit[0].payload as SalesOrderRefunded;
    expect(refund).toMatchObject({
      orderId: '2116149737',
      amount: '196',
      currency: 'SAR',
      isFullRefund: true,
    });
  });
});
