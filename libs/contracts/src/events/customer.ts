import { IsISO31661Alpha2, IsNotEmpty, IsOptional } from 'class-validator';

import { IsEntityId, IsSyncSource, IsText, IsUtcTimestamp, SyncSource } from './common';

/**
 * How to reach a person: shared by the customer's own upsert and the buyer snapshot inside an order, so both
 * carry the same fields with the same rules.
 */
export class CustomerContact {
  /** Display name; Odoo's partner `name` is required, so the producer composes it when only parts are known. */
  @IsText(256)
  @IsNotEmpty()
  name!: string;

  @IsOptional()
  @IsText(128)
  firstName?: string;

  @IsOptional()
  @IsText(128)
  lastName?: string;

  /** As given by the source, not verified (a malformed address must not dead-letter a customer or an order). */
  @IsOptional()
  @IsText(320)
  email?: string;

  /** International form when known: Salla's `mobile_code` + `mobile` ('+966555555555'). */
  @IsOptional()
  @IsText(32)
  phone?: string;

  @IsOptional()
  @IsISO31661Alpha2()
  countryCode?: string;

  @IsOptional()
  @IsText(128)
  city?: string;
}

/**
 * `customer.customer.upserted.v1`: a customer was created or changed; the Odoo connector upserts the
 * `res.partner` bound to it. Keyed by `storeId:<customerId>`. This is personal data: it is what privacy
 * erasure and export look for, and it never goes into logs.
 */
export class CustomerUpserted extends CustomerContact {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  customerId!: string;

  /** When the source last changed the customer; an older upsert than the one applied is dropped. */
  @IsOptional()
  @IsUtcTimestamp()
  sourceUpdatedAt?: string;
}
