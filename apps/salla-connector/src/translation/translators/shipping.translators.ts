import { type ShippingMethodUpserted, Topic } from '@app/contracts';

import { mapShippingCompany, placeholderShippingCompanyName } from '../map-shipping-company';
import { MalformedSallaResourceError } from '../malformed-resource.error';
import type { SallaShippingCompany, SallaShippingZone } from '../salla-resources';
import { idOf, isRecord, textOf, withoutUndefined } from '../salla-values';
import { emission, emitted, syncTranslator, type Translator } from '../translation.types';

/** `shipping.company.created` / `updated`: the company from data, re-read when data lacks its name. */
export const shippingCompanyUpserted: Translator = async (input, deps) => {
  const data = input.data as SallaShippingCompany;
  const id = idOf(data.id);
  if (id === undefined) throw new MalformedSallaResourceError(input.event, 'data.id', 'is missing');
  const company =
    textOf(data.name, 256) === undefined ? await deps.reader.shippingCompany(input.storeId, id) : data;
  return emitted(emission(Topic.ShippingMethodUpserted, mapShippingCompany(company)));
};

/**
 * `shipping.company.deleted`: the carrier is deactivated, never removed (past orders point at it). The company
 * cannot be read any more, so a nameless body gets a placeholder name.
 */
export const shippingCompanyDeleted: Translator = syncTranslator((input) => {
  const data = input.data as SallaShippingCompany;
  const methodId = idOf(data.id);
  if (methodId === undefined) throw new MalformedSallaResourceError(input.event, 'data.id', 'is missing');
  const payload: ShippingMethodUpserted = withoutUndefined({
    source: 'salla',
    methodId,
    name: textOf(data.name, 256) ?? placeholderShippingCompanyName(methodId),
    isActive: false,
    appId: idOf(data.app_id),
  });
  return emitted(emission(Topic.ShippingMethodUpserted, payload));
});

/**
 * `shipping.zone.created` / `updated`: a zone belongs to a company; the company is re-read and emitted, so a
 * carrier that first shows up through its zones still exists in Odoo before an order names it.
 */
export const shippingZoneChanged: Translator = async (input, deps) => {
  const zone = input.data as SallaShippingZone;
  const companyId = isRecord(zone.company) ? idOf(zone.company.id) : undefined;
  if (companyId === undefined)
    throw new MalformedSallaResourceError(input.event, 'data.company.id', 'is missing');
  const company = await deps.reader.shippingCompany(input.storeId, companyId);
  return emitted(emission(Topic.ShippingMethodUpserted, mapShippingCompany(company)));
};
