import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import type { CustomerContact, PostalAddress } from '@app/contracts';

import { type BindingTarget, OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import type { OdooValues } from '../odoo-client';
import { OdooLookups } from './odoo-lookups';

/**
 * `value` as a LIKE pattern that matches only itself: `=ilike` is SQL ILIKE, where `_` is any character — so
 * `sara_ali@…` would also adopt `sara.ali@…`'s partner, another customer's, with their orders and address.
 */
export const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, '\\$&');

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
        // Not a delivery address contact: its phone is a receiver's, who may be another customer.
        [
          [field, '=ilike', likeLiteral(value)],
          ['type', '!=', 'delivery'],
        ],
        ['id'],
        { limit: 1, order: 'id asc' },
      );
      if (rows[0]) return rows[0].id;
    }
    return null;
  }

  /**
   * The delivery address of an order: a contact of type "delivery" under the customer's partner (what Odoo's
   * delivery order prints and ships to), made once per distinct address of that partner.
   */
  async deliveryAddress(odoo: StoreOdoo, partnerId: number, address: PostalAddress): Promise<number> {
    return this.ensureAddress(odoo, await this.addressRecord(odoo, partnerId, address));
  }

  /** The contact of an `addressRecord`, created once under its binding. */
  async ensureAddress(
    odoo: StoreOdoo,
    { target, vals }: { target: BindingTarget; vals: OdooValues },
  ): Promise<number> {
    const bound = await this.bindings.ensure(odoo, target, {
      adopt: () => Promise.resolve(null),
      create: async () => (await odoo.client.create('res.partner', [vals]))[0],
    });
    return bound.id;
  }

  /** The address contact's values and its binding: the partner and a hash of the values (no address in the name). */
  async addressRecord(
    odoo: StoreOdoo,
    partnerId: number,
    address: PostalAddress,
  ): Promise<{ target: BindingTarget; vals: OdooValues }> {
    const vals: OdooValues = { type: 'delivery', parent_id: partnerId };
    const text = (value: string | undefined) => value?.trim() || undefined;
    const fields: Array<[string, string | undefined]> = [
      ['name', text(address.name)],
      ['phone', text(address.phone)],
      ['street', text(address.street) ?? text(address.line)],
      ['street2', text(address.district)],
      ['city', text(address.city)],
      ['zip', text(address.postalCode)],
    ];
    for (const [field, value] of fields) if (value) vals[field] = value;
    const country = await this.lookups.countryId(odoo.client, address.countryCode);
    if (country) vals.country_id = country;
    const digest = createHash('sha256').update(JSON.stringify(vals)).digest('base64url').slice(0, 22);
    return { target: { kind: 'address', sallaId: `${partnerId}_${digest}`, model: 'res.partner' }, vals };
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
