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

import { IsEntityId, IsSyncSource, IsText, IsUtcTimestamp, SyncSource } from './common';

/*
 * Stock. Quantities are whole units, never negative: Salla cannot hold a negative stock, so a producer that
 * reads a negative Odoo figure (oversold) reports 0.
 */

/**
 * `inventory.level.changed.v1`: the sellable quantity of one stock item changed in `source`.
 * Keyed by `storeId:<variantId|productId|sku>` (the most specific id given): a producer must always identify
 * the same item the same way, or its changes lose their order.
 */
export class InventoryLevelChanged {
  /** Where the change happened. The consumer of the other side applies it; the echo of its own write is skipped. */
  @IsSyncSource()
  source!: SyncSource;

  /** The cross-system identity of the item; required when neither productId nor variantId is given. */
  @ValidateIf((o: InventoryLevelChanged) => o.sku != null || (o.productId ?? o.variantId) == null)
  @IsString()
  @IsNotEmpty({ message: 'sku is required when neither productId nor variantId is given' })
  @MaxLength(128)
  sku?: string;

  /** Source id of the product (Salla product id, Odoo `product.template` id). */
  @IsOptional()
  @IsEntityId()
  productId?: string;

  /** Source id of the variant (Salla variant id, Odoo `product.product` id). */
  @IsOptional()
  @IsEntityId()
  variantId?: string;

  /**
   * SELLABLE quantity: Salla's stock quantity, or Odoo's free quantity at the synced location (on hand minus
   * reserved). Mixing it up with on-hand is the classic cause of overselling, hence the two fields below.
   */
  @IsInt()
  @Min(0)
  quantity!: number;

  /** Odoo on-hand quantity behind `quantity`, for the activity log only. */
  @IsOptional()
  @IsInt()
  onHand?: number;

  /** Odoo reserved quantity behind `quantity`, for the activity log only. */
  @IsOptional()
  @IsInt()
  @Min(0)
  reserved?: number;

  /** Salla branch id or Odoo `stock.location` id; absent = the store's default stock. */
  @IsOptional()
  @IsEntityId()
  locationId?: string;

  /** When the source recorded this level; a consumer never lets an older reading overwrite a newer one. */
  @IsOptional()
  @IsUtcTimestamp()
  observedAt?: string;
}

/** How Salla's bulk quantity endpoint identifies the item (its own vocabulary, spelled as Salla spells it). */
export const SALLA_STOCK_IDENTIFIER_TYPES = ['id', 'variant_id', 'sku'] as const;
export type SallaStockIdentifierType = (typeof SALLA_STOCK_IDENTIFIER_TYPES)[number];

export const STOCK_SET_MODES = ['overwrite', 'increment', 'decrement'] as const;
export type StockSetMode = (typeof STOCK_SET_MODES)[number];

/**
 * `inventory.level.set.v1`: COMMAND to the Salla connector: set one item's quantity in Salla. The connector
 * batches these into `POST /products/quantities/bulk` (rate limits make single writes too slow).
 * Keyed by `storeId:<identifierType>:<identifier>`.
 */
export class InventoryLevelSet {
  @IsIn([...SALLA_STOCK_IDENTIFIER_TYPES])
  identifierType!: SallaStockIdentifierType;

  /** Salla product id, Salla variant id or SKU, according to identifierType. */
  @IsEntityId()
  identifier!: string;

  /** The new level (overwrite) or the amount to add/remove (increment/decrement). */
  @IsInt()
  @Min(0)
  quantity!: number;

  /** Prefer 'overwrite': it is idempotent, so a redelivered command does no harm. */
  @IsIn([...STOCK_SET_MODES])
  mode!: StockSetMode;

  /** Salla branch id, for stores that manage stock per branch. */
  @IsOptional()
  @IsEntityId()
  branchId?: string;

  /** Envelope id of the event that caused this command, so the activity log can link cause and effect. */
  @IsOptional()
  @IsUUID()
  causationEventId?: string;

  /** Why, for the activity log ("odoo stock move WH/OUT/00042"). */
  @IsOptional()
  @IsText(512)
  reason?: string;
}
