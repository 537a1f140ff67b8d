import type { CustomerContact, CustomerUpserted } from '@app/contracts';

import { ResourceLabel } from './malformed-resource.error';
import type { SallaCustomer } from './salla-resources';
import { countryCodeOf, idOf, textOf, withoutUndefined } from './salla-values';
import { sallaTimeToUtc } from './salla-time';

/**
 * An e-mail as given, trimmed and lower-cased so the same person typed twice matches one Odoo partner. Not
 * verified: a malformed address must not dead-letter a customer or an order.
 */
export function normaliseEmail(value: unknown): string | undefined {
  const email = textOf(value, 320);
  return email?.toLowerCase();
}

/**
 * A phone in international form: Salla's `mobile_code` + `mobile` ('+966' + 501806978 → '+966501806978').
 * A mobile that is already international ('+9665…', '009665…') is kept; a national trunk zero
 * ('0501806978') is dropped before the country code is prefixed. Spaces, dashes and brackets are removed.
 */
export function normalisePhone(mobile: unknown, mobileCode?: unknown): string | undefined {
  const raw = textOf(mobile, 64);
  if (raw === undefined) return undefined;
  let number = raw.replace(/[\s\-().]/g, '');
  if (number.startsWith('00')) number = `+${number.slice(2)}`;
  if (!number.startsWith('+')) {
    const code = textOf(mobileCode, 8)?.replace(/[\s\-()]/g, '');
    if (code !== undefined && /^\+?\d{1,4}$/.test(code)) {
      const prefix = code.startsWith('+') ? code : `+${code}`;
      // Salla stores '501806978' (no trunk zero) but merchants type '0501806978'.
      number = `${prefix}${number.replace(/^0+/, '')}`;
    }
  }
  return number === '' || number.length > 32 ? undefined : number;
}

/** Display name: Odoo's partner `name` is required, so one is composed from whatever Salla gives. */
function displayNameOf(c: SallaCustomer, first?: string, last?: string): string | undefined {
  const joined = [first, last].filter((p) => p !== undefined).join(' ');
  return textOf(joined, 256) ?? textOf(c.name, 256) ?? textOf(c.full_name, 256);
}

/**
 * The contact fields shared by the customer upsert and the buyer snapshot inside an order. The name falls back
 * to the e-mail, then the phone, then "Salla customer <id>": Salla allows customers with only a phone number.
 */
export function contactOf(c: SallaCustomer): CustomerContact {
  const firstName = textOf(c.first_name, 128);
  const lastName = textOf(c.last_name, 128);
  const email = normaliseEmail(c.email);
  const phone = normalisePhone(c.mobile, c.mobile_code);
  const id = idOf(c.id);
  const name =
    displayNameOf(c, firstName, lastName) ??
    email ??
    phone ??
    (id === undefined ? 'Guest' : `Salla customer ${id}`);
  return {
    name,
    firstName,
    lastName,
    email,
    phone,
    countryCode: countryCodeOf(c.country_code) ?? countryCodeOf(c.country),
    city: textOf(c.city, 128),
  };
}

/** `customer.customer.upserted.v1` from a Salla customer (webhook `customer.*` data or `GET /customers`). */
export function mapCustomer(c: SallaCustomer): CustomerUpserted {
  const customerId = idOf(c.id);
  if (customerId === undefined) throw ResourceLabel.of('customer', undefined).malformed('id', 'is missing');
  return withoutUndefined({
    source: 'salla',
    customerId,
    ...contactOf(c),
    sourceUpdatedAt: sallaTimeToUtc(c.updated_at),
  });
}
