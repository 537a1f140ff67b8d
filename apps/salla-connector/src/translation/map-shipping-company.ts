import type { ShippingMethodUpserted } from '@app/contracts';

import { ResourceLabel } from './malformed-resource.error';
import type { SallaShippingCompany } from './salla-resources';
import { booleanOf, idOf, textOf, withoutUndefined } from './salla-values';

/** Name of a company Salla no longer describes (a deleted one): the carrier still needs a name in Odoo. */
export function placeholderShippingCompanyName(id: string): string {
  return `Salla shipping company ${id}`;
}

/**
 * `shipping.method.upserted.v1` from a Salla shipping company (`shipping.company.*` data or
 * `GET /shipping/companies`). `status` says whether it is enabled in the store; a company listed without a
 * status is taken as enabled (the list only shows companies the store uses).
 */
export function mapShippingCompany(c: SallaShippingCompany): ShippingMethodUpserted {
  const methodId = idOf(c.id);
  const label = ResourceLabel.of('shipping company', methodId);
  if (methodId === undefined) throw label.malformed('id', 'is missing');
  const name = textOf(c.name, 256) ?? textOf(c.slug, 256);
  if (name === undefined) throw label.malformed('name', 'is missing');
  return withoutUndefined({
    source: 'salla',
    methodId,
    name,
    isActive: booleanOf(c.status) ?? true,
    appId: idOf(c.app_id),
  });
}
