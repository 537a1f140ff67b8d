import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  Matches,
  ValidateNested,
} from 'class-validator';

import { IsEntityId, IsText, IsUtcTimestamp } from './common';
import { EncryptedValue } from './encrypted-value';

/*
 * The life of one merchant's installation. The store is the envelope's `storeId` (the Salla merchant id), so
 * none of these payloads repeats it; all are keyed by store, which keeps install → authorize → settings →
 * uninstall in order for that merchant.
 */

/** `store.lifecycle.installed.v1`: a merchant installed the app. The Salla connector creates the store record. */
export class StoreInstalled {
  /** Our app's id on Salla; lets one deployment serve several app listings (e.g. test and live). */
  @IsOptional()
  @IsEntityId()
  appId?: string;

  /**
   * Scopes the merchant granted. A connector checks them before it starts a sync it has no right to run
   * (e.g. no `products.read_write` → no stock push) and reports that, instead of failing on every 403.
   */
  @IsArray()
  @IsString({ each: true })
  scopes!: string[];

  @IsUtcTimestamp()
  installedAt!: string;

  /** Salla's `store_type` ('live', 'development', …): demo stores can be synced against a sandbox Odoo. */
  @IsOptional()
  @IsText(32)
  storeType?: string;
}

/**
 * AAD the tokens of `StoreAuthorized` are sealed with (`CryptoService.encrypt(storeId, token, aad)`): a sealed
 * access token cannot be passed off as the refresh token or vice versa. Sealer and opener use these labels.
 */
export const SALLA_ACCESS_TOKEN_AAD = 'salla:access-token';
export const SALLA_REFRESH_TOKEN_AAD = 'salla:refresh-token';

/**
 * `store.lifecycle.authorized.v1`: Salla issued (or re-issued, after every app update) the store's tokens.
 * The Salla connector upserts them. Both tokens are sealed (`EncryptedValue`): they grant full API access.
 */
export class StoreAuthorized {
  @IsObject()
  @ValidateNested()
  @Type(() => EncryptedValue)
  accessToken!: EncryptedValue;

  /** Absent when `offline_access` was not granted: the connector then cannot refresh and must say so. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EncryptedValue)
  refreshToken?: EncryptedValue;

  /**
   * When the access token dies (Salla sends a unix time; converted here). The connector refreshes ahead of it,
   * under a per-store lock, because a Salla refresh token is single-use.
   */
  @IsUtcTimestamp()
  expiresAt!: string;

  @IsArray()
  @IsString({ each: true })
  scopes!: string[];

  @IsIn(['bearer'])
  tokenType!: 'bearer';
}

/** How the Odoo connector reaches this merchant's Odoo. */
export class OdooConnection {
  /** Base URL of the Odoo server (https in production; http allowed for local installs and tests). */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  url!: string;

  /** Database name: several databases can share one host. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  database!: string;

  /** Login the API key belongs to (JSON-RPC authenticates login + key). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  login!: string;

  /** Odoo API key, sealed. Keys expire (Odoo 19 enforces it), so a new one arrives as a new settings event. */
  @IsObject()
  @ValidateNested()
  @Type(() => EncryptedValue)
  apiKey!: EncryptedValue;

  /**
   * Odoo stock location whose quantities mirror Salla's stock (defaults to the main warehouse's stock
   * location when absent).
   */
  @IsOptional()
  @IsEntityId()
  stockLocationId?: string;
}

/** One Salla payment method → Odoo journal pair of the merchant's `odoo_payment_journals` app setting. */
export class PaymentJournalSetting {
  /** Salla payment method code (`mada`, `credit_card`, `cod`, …), lower-case. */
  @Matches(/^[a-z0-9_.-]{1,64}$/)
  methodCode!: string;

  /** Code of an Odoo bank or cash journal (`BNK1`); never created by the connector. */
  @Matches(/^[\w.-]{1,16}$/)
  journalCode!: string;
}

/**
 * `store.lifecycle.settings-updated.v1`: the merchant saved the app settings in Salla's dashboard.
 * Only the settings we understand travel, typed; the raw settings object never does, because it holds the
 * Odoo API key in plaintext.
 */
export class StoreSettingsUpdated {
  /**
   * Absent while the merchant has not filled in every Odoo field: the Odoo connector then marks the store
   * "not configured" instead of trying to log in with half a credential.
   */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OdooConnection)
  odoo?: OdooConnection;

  /** Merchant switch: when false, connectors stop syncing this store but keep its data and bindings. */
  @IsBoolean()
  syncEnabled!: boolean;

  /**
   * The merchant's payment method → journal pairs; absent when the setting is empty (the store's mappings
   * stay as they are), `[]` never sent. The whole list each time: a pair left out is no longer the merchant's.
   */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PaymentJournalSetting)
  paymentJournals?: PaymentJournalSetting[];
}

/**
 * `store.lifecycle.uninstalled.v1`: the app was removed. From here on the store's tokens are dead; every
 * consumer stops calling Salla for it and the privacy service schedules the store's data for erasure.
 */
export class StoreUninstalled {
  @IsUtcTimestamp()
  uninstalledAt!: string;

  /** Whether Salla refunded the subscription: only shown to operators. */
  @IsOptional()
  @IsBoolean()
  refunded?: boolean;
}

/** AAD the Odoo API key of `OdooConnection.apiKey` is sealed with, so no other sealed secret can stand in for it. */
export const ODOO_API_KEY_AAD = 'odoo:api-key';
