import { creditLinePrice, type Tax } from '../../src/sync/credit-notes';
import { roundMoney } from '../../src/sync/order-amounts';

const vat = (priceInclude: boolean): Tax => ({
  id: 1,
  amount: 15,
  amount_type: 'percent',
  price_include: priceInclude,
});
/** Odoo's total of a one-unit line with 15 % VAT excluded, rounded per line. */
const totalWithVat = (price: number) => roundMoney(price + roundMoney(price * 0.15, 2), 2);

describe('the price of a partial refund line', () => {
  it.each([
    [50, 43.48],
    [115, 100],
    [247.25, 215],
    [0.01, 0.01],
  ])(
    '%s refunded with VAT excluded: a pre-tax price of %s, whose total is exactly the refund',
    (amount, price) => {
      expect(creditLinePrice(amount, [vat(false)], 2)).toBe(price);
      expect(totalWithVat(price)).toBe(amount);
    },
  );

  it('every amount up to 200.00 that some price reaches gets that price; the others the nearest', () => {
    const reachable = new Set<number>();
    for (let cents = 0; cents <= 20_000; cents++) reachable.add(totalWithVat(cents / 100));
    const wrong: number[] = [];
    for (let cents = 1; cents <= 20_000; cents++) {
      const amount = cents / 100;
      const off = Math.abs(totalWithVat(creditLinePrice(amount, [vat(false)], 2)) - amount);
      if (reachable.has(amount) ? off !== 0 : off > 0.011) wrong.push(amount);
    }
    expect(wrong).toEqual([]);
  });

  it('VAT included in the price, or no tax: the amount itself', () => {
    expect(creditLinePrice(49.99, [vat(true)], 2)).toBe(49.99);
    expect(creditLinePrice(49.99, [], 2)).toBe(49.99);
  });

  it('a three-decimal currency keeps its third decimal', () => {
    expect(totalWithVat3(creditLinePrice(10.005, [vat(false)], 3))).toBe(10.005);
  });
});

function totalWithVat3(price: number): number {
  return roundMoney(price + roundMoney(price * 0.15, 3), 3);
}
