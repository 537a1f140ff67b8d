import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

import { IsEntityId, IsText } from './common';

export const SYNC_DIRECTIONS = ['salla_to_odoo', 'odoo_to_salla'] as const;
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];

export const SYNC_ENTITY_TYPES = [
  'store',
  'product',
  'category',
  'inventory',
  'order',
  'customer',
  'shipping_method',
  'payment_method',
] as const;
export type SyncEntityType = (typeof SYNC_ENTITY_TYPES)[number];

/** ok = applied; skipped = deliberately not applied (stale, echo, disabled, unchanged); failed = gave up. */
export const SYNC_OUTCOMES = ['ok', 'skipped', 'failed'] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];

/**
 * `ops.sync.result.v1`: one line of the merchant's activity log: what a connector did with one event.
 * It answers "why is this product not in Odoo?" without reading service logs. Keyed by store, so a store's
 * log reads in order. The message is for the merchant: no personal data, no secrets, no stack traces.
 */
export class OpsSyncResult {
  /** The service that did the work ('odoo-connector', 'salla-connector'). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  service!: string;

  @IsIn([...SYNC_DIRECTIONS])
  direction!: SyncDirection;

  @IsIn([...SYNC_ENTITY_TYPES])
  entityType!: SyncEntityType;

  /** Source id of the entity (product id, order id, SKU for stock…), for filtering the log by record. */
  @IsEntityId()
  entityId!: string;

  @IsIn([...SYNC_OUTCOMES])
  outcome!: SyncOutcome;

  /** Short human explanation; required for skipped and failed, because "failed" alone helps nobody. */
  @ValidateIf((o: OpsSyncResult) => o.outcome !== 'ok' || o.message != null)
  @IsText(2000)
  @IsNotEmpty()
  message?: string;

  /** Machine-readable failure class ('odoo.validation', 'salla.rate_limited', 'binding.sku_conflict'). */
  @IsOptional()
  @IsText(128)
  errorCode?: string;

  /** Envelope id of the event that was handled: joins the log line to the message (and its dead letter). */
  @IsUUID()
  eventId!: string;

  /** Id shared by everything one trigger caused (e.g. the webhook's event id), when the producer has one. */
  @IsOptional()
  @IsText(128)
  correlationId?: string;

  /** 1 for the first try; above 1 after retries. */
  @IsOptional()
  @IsInt()
  @Min(1)
  attempt?: number;

  /** Wall-clock time spent, for spotting a slow Odoo. */
  @IsInt()
  @Min(0)
  durationMs!: number;
}
