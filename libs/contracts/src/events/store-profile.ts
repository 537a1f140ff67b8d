import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

import { IsCurrency, IsText, IsUtcTimestamp } from './common';

/** Salla subscription plans; each has its own API rate limit (Plus 120/min, Pro 360/min, Special 720/min). */
export const SALLA_PLANS = ['basic', 'plus', 'pro', 'special'] as const;
export type SallaPlan = (typeof SALLA_PLANS)[number];

/**
 * `store.lifecycle.profile-updated.v1`: what the Salla connector read from `GET /store/info` on install (and on
 * each app update). Only what sync and support need: no owner, no contact details.
 */
export class StoreProfileUpdated {
  @IsText(256)
  name!: string;

  /** The storefront address, for support ("which store is this?"). */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  domain?: string;

  /** Plan as Salla names it, lower-cased; unknown plans are kept as sent and treated like the slowest. */
  @IsOptional()
  @IsText(64)
  plan?: string;

  /** The store's default currency: orders and prices arrive in it. */
  @IsCurrency()
  currency!: string;

  @IsOptional()
  @IsText(32)
  storeType?: string;

  @IsUtcTimestamp()
  readAt!: string;
}

/**
 * `store.lifecycle.sync-ready.v1`: the Odoo connector verified the store's Odoo connection (authenticate +
 * version probe). Together with the store's Salla tokens this is what starts the first backfill.
 */
export class StoreSyncReady {
  /** Odoo server version as detected ('16.0', '19.0'…). */
  @IsOptional()
  @IsText(32)
  odooVersion?: string;

  @IsUtcTimestamp()
  connectedAt!: string;

  /** true when an earlier backfill must not be redone (a settings change that kept the same Odoo database). */
  @IsOptional()
  @IsBoolean()
  skipBackfillIfDone?: boolean;
}

/** Resources a backfill reads from Salla, in the order it reads them (categories before the products in them). */
export const BACKFILL_RESOURCES = [
  'categories',
  'products',
  'shipping_companies',
  'payment_methods',
  'orders',
] as const;
export type BackfillResource = (typeof BACKFILL_RESOURCES)[number];

export const BACKFILL_STATES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type BackfillState = (typeof BACKFILL_STATES)[number];
