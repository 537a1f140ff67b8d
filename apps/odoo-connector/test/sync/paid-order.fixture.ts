import type { ProductUpserted, SalesOrderUpserted } from '@app/contracts';

/** A paid mada order of 247.25 SAR: 2 × 100 + 15 shipping = 215 taxable, 15 % VAT = 32.25. */
export function paidOrder(orderId: string, overrides: Partial<SalesOrderUpserted> = {}): SalesOrderUpserted {
  return {
    source: 'salla',
    orderId,
    referenceId: `R${orderId}`,
    status: { slug: 'in_progress' },
    currency: 'SAR',
    placedAt: '2026-11-29T07:00:00.000Z',
    customer: {
      customerId: `c${orderId}`,
      name: 'Sara Ali',
      email: `sara${orderId}@example.sa`,
      countryCode: 'SA',
    },
    lines: [
      {
        lineId: 'l1',
        productId: `p${orderId}`,
        sku: `SKU-${orderId}`,
        name: 'Oud oil',
        quantity: 2,
        unitPrice: '100',
        discount: '0',
        tax: '30',
        total: '230',
        options: [],
      },
    ],
    shipping: { methodName: 'SMSA' },
    payment: { methodCode: 'mada', status: 'paid' },
    totals: {
      subtotal: '200',
      shipping: '15',
      cashOnDelivery: '0',
      discount: '0',
      tax: '32.25',
      total: '247.25',
    },
    ...overrides,
  };
}

/** A simple physical product at 100 SAR, stock not tracked, no category, no options. */
export function plainProduct(productId: string, name: string, sku: string): ProductUpserted {
  return {
    source: 'salla',
    productId,
    name,
    sku,
    kind: 'physical',
    tracksInventory: false,
    isActive: true,
    currency: 'SAR',
    price: '100',
    categoryIds: [],
    options: [],
    variants: [],
  } as unknown as ProductUpserted;
}
