import type { SalesOrderUpserted } from '@app/contracts';

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
