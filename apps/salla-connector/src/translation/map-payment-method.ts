import type { PaymentMethodUpserted } from '@app/contracts';

import { ResourceLabel } from './malformed-resource.error';
import type { SallaPaymentMethod } from './salla-resources';
import { booleanOf, idOf, textOf } from './salla-values';

/**
 * `payment.method.upserted.v1` from `GET /payment/methods`. The `code` is what orders carry in
 * `payment_method` (Salla's `slug`), which is how the Odoo connector picks the journal for an order.
 */
export function mapPaymentMethod(m: SallaPaymentMethod): PaymentMethodUpserted {
  const methodId = idOf(m.id);
  const label = ResourceLabel.of('payment method', methodId);
  if (methodId === undefined) throw label.malformed('id', 'is missing');
  const code = textOf(m.slug, 64) ?? textOf(m.code, 64);
  if (code === undefined) throw label.malformed('slug', 'is missing');
  return {
    source: 'salla',
    methodId,
    code,
    name: textOf(m.name, 256) ?? code,
    // The list shows the store's methods; one without a status is available.
    isActive: booleanOf(m.status) ?? booleanOf(m.is_active) ?? true,
  };
}
