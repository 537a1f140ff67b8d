import { priceExtras } from '../../src/sync/product-variant-prices';

describe('priceExtras', () => {
  it('one option: each value carries its variant’s difference to the product price', () => {
    const extras = priceExtras('100', [
      { price: '100', valueIds: [1] },
      { price: '112.5', valueIds: [2] },
      { price: '90', valueIds: [3] },
    ]);
    expect(extras).toEqual(
      new Map([
        [1, 0],
        [2, 12.5],
        [3, -10],
      ]),
    );
  });

  it('two options whose prices add up: extras reproduce every combination', () => {
    // Size M +10, Colour Blue +5
    const extras = priceExtras('50', [
      { price: '50', valueIds: [1, 3] },
      { price: '60', valueIds: [2, 3] },
      { price: '55', valueIds: [1, 4] },
      { price: '65', valueIds: [2, 4] },
    ])!;
    expect([1, 2, 3, 4].map((id) => extras.get(id))).toEqual([0, 10, 0, 5]);
  });

  it('two options whose prices do not add up: no extras (nothing invented)', () => {
    expect(
      priceExtras('50', [
        { price: '50', valueIds: [1, 3] },
        { price: '60', valueIds: [2, 3] },
        { price: '55', valueIds: [1, 4] },
        { price: '70', valueIds: [2, 4] },
      ]),
    ).toBeNull();
  });

  it('exact to the sixth decimal, without float drift', () => {
    const extras = priceExtras('0.1', [
      { price: '0.3', valueIds: [1] },
      { price: '0.1', valueIds: [2] },
    ]);
    expect(extras?.get(1)).toBe(0.2);
  });
});
