import { Injectable } from '@nestjs/common';

import type { CustomerContact } from '@app/contracts';

import { OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import type { OdooValues } from '../odoo-client';
import { OdooLookups } from './odoo-lookups';

/**
 * Customers → `res.partner`, with only the fields sync needs (name, email, phone, city, country). An unbound
 * customer is matched to an existing partner by email, then phone, before one is created.
 */
@Injectable()
export class Partners {
  constructor(
    private readonly bindings: OdooBindings,
    private readonly lookups: OdooLookups,
  ) {}

  /**
   * The partner for a customer (`customerId`) or a guest (bound by `guestKey`, e.g. the order id). Writes the
   * contact fields when the partner already existed and `update` is set.
   */
  async ensure(
    odoo: StoreOdoo,
    contact: CustomerContact,
    ids: { customerId?: string; guestKey: string },
    update: boolean,
  ): Promise<{ id: number; created: boolean }> {
    const vals = await this.valsOf(odoo, contact);
    const bound = await this.bindings.ensure(
      odoo,
      { kind: 'customer', sallaId: ids.customerId ?? `guest-${ids.guestKey}`, model: 'res.partner' },
      {
        adopt: () => this.match(odoo, contact),
        create: async () => (await odoo.client.create('res.partner', [vals]))[0],
      },
    );
    if (!bound.created && update) await odoo.client.write('res.partner', [bound.id], vals);
    return bound;
  }

  async match(odoo: StoreOdoo, contact: CustomerContact): Promise<number | null> {
    for (const [field, value] of [
      ['email', contact.email?.trim().toLowerCase()],
      ['phone', contact.phone?.trim()],
    ] as const) {
      if (!value) continue;
      const rows = await odoo.client.searchRead<{ id: number }>(
        'res.partner',
        [[field, '=ilike', value]],
        ['id'],
        { limit: 1, order: 'id asc' },
      );
      if (rows[0]) return rows[0].id;
    }
    return null;
  }

  /** The partner values sync writes for a contact (the batch builds many at once). */
  async valsOf(odoo: StoreOdoo, contact: CustomerContact): Promise<OdooValues> {
    const vals: OdooValues = { name: contact.name, customer_rank: 1 };
    if (contact.email) vals.email = contact.email.trim();
    if (contact.phone) vals.phone = contact.phone.trim();
    if (contact.city) vals.city = contact.city;
    const country = await this.lookups.countryId(odoo.client, contact.countryCode);
    if (country) vals.country_id = country;
    return vals;
  }
}
