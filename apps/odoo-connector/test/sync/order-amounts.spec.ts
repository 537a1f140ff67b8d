import type { OrderTotals } from '@app/contracts';

import { chooseTaxes, type DraftLine, priceUnitFor, roundMoney } from '../../src/sync/order-amounts';

const VAT = { rate: 0.15, priceInclude: false };

const line = (role: DraftLine['role'], quantity: number, unitPrice: number): DraftLine => ({
  role,
  productId: 1,
  name: role,
  quantity,
  unitPrice,
});

// A Kuwaiti order (1 dinar = 1000 fils): 2 × 12.345 + 7.125 + shipping 1.500 + COD 0.250 − discount 1.005.
const kwdLines = [
  line('product', 2, 12.345),
  line('product', 1, 7.125),
  line('shipping', 1, 1.5),
  line('cod', 1, 0.25),
  line('discount', 1, -1.005),
];
const kwdTotals = (tax: string, total: string): OrderTotals => ({
  subtotal: '31.815',
  shipping: '1.500',
  cashOnDelivery: '0.250',
  discount: '1.005',
  tax,
  total,
});

describe('roundMoney', () => {
  it.each([
    [1.005, 2, 1.01], // stored as 1.00499…: Odoo still rounds it up
    [2.675, 2, 2.68],
    [-0.125, 2, -0.13], // half away from zero, as Odoo, for a discount line
    [0.1 + 0.2, 2, 0.3],
    [12.3455, 3, 12.346],
    [7.125, 2, 7.13],
    [7.125, 3, 7.125],
    [1.06875, 3, 1.069],
  ])('%p to %p decimals is %p', (value, decimals, expected) => {
    expect(roundMoney(value, decimals)).toBe(expected);
  });

  it('never answers -0 (it would print as "-0.00" in some places)', () => {
    expect(Object.is(roundMoney(-0.001, 2), 0)).toBe(true);
  });
});

describe('chooseTaxes in the currency of the order', () => {
  it("a 3-decimal order taxed on every line reproduces Salla's total to the fils", () => {
    const choice = chooseTaxes(kwdLines, kwdTotals('4.885', '37.445'), VAT, 3);
    expect(choice.expectedTotal).toBe(37.445);
    expect([...choice.taxed].sort()).toEqual(['cod', 'discount', 'product', 'shipping']);
  });

  it('a 3-decimal order taxed on the products only is told apart from the other arrangements', () => {
    // Products 31.815 → tax 3.704 + 1.069 = 4.773; 31.815 + 1.5 + 0.25 − 1.005 + 4.773 = 37.333.
    const choice = chooseTaxes(kwdLines, kwdTotals('4.773', '37.333'), VAT, 3);
    expect(choice.expectedTotal).toBe(37.333);
    expect([...choice.taxed].sort()).toEqual(['product']);
  });

  it('an untaxed order is summed without tax, in the currency decimals', () => {
    const choice = chooseTaxes(kwdLines, kwdTotals('0', '32.560'), VAT, 3);
    expect(choice.taxed.size).toBe(0);
    expect(choice.expectedTotal).toBe(32.56);
  });

  it('a 2-decimal SAR order keeps working as before', () => {
    const lines = [
      line('product', 2, 100),
      line('product', 1, 50),
      line('shipping', 1, 15),
      line('cod', 1, 5),
      line('discount', 1, -10),
    ];
    const totals = {
      subtotal: '250',
      shipping: '15',
      cashOnDelivery: '5',
      discount: '10',
      tax: '39',
      total: '299',
    };
    expect(chooseTaxes(lines, totals, VAT, 2).expectedTotal).toBe(299);
  });
});

describe('priceUnitFor', () => {
  it('a price-included tax grosses the unit price up to the currency unit', () => {
    const included = { rate: 0.15, priceInclude: true };
    expect(priceUnitFor(line('product', 1, 12.345), true, included, 3)).toBe(14.197);
    expect(priceUnitFor(line('product', 1, 12.345), true, included, 2)).toBe(14.2);
  });

  it('a pre-tax price is sent as Salla gave it', () => {
    expect(priceUnitFor(line('product', 1, 12.345), true, VAT, 3)).toBe(12.345);
    expect(priceUnitFor(line('product', 1, 12.345), false, null, 3)).toBe(12.345);
  });
});
