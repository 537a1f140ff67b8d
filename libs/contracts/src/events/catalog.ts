import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import {
  IsCurrency,
  IsDecimalAmount,
  IsEntityId,
  IsSyncSource,
  IsText,
  IsUtcTimestamp,
  SyncSource,
} from './common';

/*
 * Products and categories. Ids are the SOURCE system's ids (`source` says which); the consumer finds its own
 * record through its bindings (source id ↔ own id). Keyed by `storeId:<productId|categoryId>` so every
 * change of one record is applied in order.
 */

/** What kind of thing is sold; decides the Odoo product type (storable goods vs service vs consumable). */
export const PRODUCT_KINDS = ['physical', 'service', 'digital'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

/** One value of an option, e.g. "XL" of "Size". */
export class ProductOptionValue {
  @IsOptional()
  @IsEntityId()
  id?: string;

  @IsText(256)
  name!: string;
}

/** A product option and its values (Size: S, M, L). Odoo builds attributes and attribute values from it. */
export class ProductOption {
  @IsOptional()
  @IsEntityId()
  id?: string;

  @IsText(256)
  name!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProductOptionValue)
  values!: ProductOptionValue[];
}

/** The option values that make one variant (Size = XL, Colour = Red). */
export class VariantOptionValue {
  /** Option name, matching `ProductOption.name`. */
  @IsText(256)
  option!: string;

  /** Value name, matching `ProductOptionValue.name`. */
  @IsText(256)
  value!: string;
}

/** A sellable variant (Salla "sku", Odoo `product.product`). */
export class ProductVariant {
  @IsEntityId()
  variantId!: string;

  /**
   * The cross-system identity: Odoo matches on `default_code` when no binding exists yet. Odoo accepts duplicate
   * codes, so the consumer must refuse a SKU that already belongs to another product.
   */
  @IsOptional()
  @IsText(128)
  sku?: string;

  /** Odoo rejects a duplicate barcode, so a clash here is a reported conflict, not a retry. */
  @IsOptional()
  @IsText(128)
  barcode?: string;

  /** Regular price, in the product's `currency`. */
  @IsDecimalAmount()
  price!: string;

  /** Discounted price while a sale runs; absent when there is none (Salla's 0 means "none"). */
  @IsOptional()
  @IsDecimalAmount()
  salePrice?: string;

  /** Sellable quantity; absent when stock is not tracked. */
  @IsOptional()
  @IsInt()
  @Min(0)
  quantity?: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => VariantOptionValue)
  options!: VariantOptionValue[];
}

/** `catalog.product.upserted.v1`: a product was created or changed; carries the whole product, not a diff. */
export class ProductUpserted {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  productId!: string;

  @IsText(512)
  name!: string;

  /** Product-level SKU (the only one for a product without variants). */
  @IsOptional()
  @IsText(128)
  sku?: string;

  @IsOptional()
  @IsText(128)
  barcode?: string;

  @IsIn([...PRODUCT_KINDS])
  kind!: ProductKind;

  /** The source's own type ('product', 'food', 'booking', 'codes', …), kept for mappings a merchant customises. */
  @IsOptional()
  @IsText(64)
  sourceType?: string;

  /** Whether stock is counted. Decides Odoo storable vs not and whether inventory sync applies at all. */
  @IsBoolean()
  tracksInventory!: boolean;

  /** Whether customers can see and buy it (Salla status 'sale'); hidden products still sync, archived in Odoo. */
  @IsBoolean()
  isActive!: boolean;

  /** Currency of every price in this product, variants included. */
  @IsCurrency()
  currency!: string;

  @IsDecimalAmount()
  price!: string;

  @IsOptional()
  @IsDecimalAmount()
  salePrice?: string;

  /** Purchase cost, for Odoo's `standard_price` (margins). */
  @IsOptional()
  @IsDecimalAmount()
  costPrice?: string;

  /** Sellable quantity of the product without variants; absent when not tracked or held per variant. */
  @IsOptional()
  @IsInt()
  @Min(0)
  quantity?: number;

  /** Weight in kilograms (decimal string); Odoo's `weight` drives shipping cost rules. */
  @IsOptional()
  @IsDecimalAmount()
  weightKg?: string;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  /** Source ids of its categories; the first is the primary one (Odoo has a single `categ_id`). */
  @IsArray()
  @IsString({ each: true })
  categoryIds!: string[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProductOption)
  options!: ProductOption[];

  /** Empty for a simple product. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProductVariant)
  variants!: ProductVariant[];

  /**
   * When the source last changed the product. A consumer drops an upsert older than what it already applied
   * (a webhook and a reconciliation poll can deliver the same product out of order).
   */
  @IsOptional()
  @IsUtcTimestamp()
  sourceUpdatedAt?: string;
}

/** `catalog.product.deleted.v1`: the product is gone at the source; Odoo archives it (orders still refer to it). */
export class ProductDeleted {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  productId!: string;

  /** Lets the consumer find the record when no binding exists (e.g. it was linked by SKU only). */
  @IsOptional()
  @IsText(128)
  sku?: string;
}

/** `catalog.category.upserted.v1`: a category was created, renamed, moved or hidden. */
export class CategoryUpserted {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  categoryId!: string;

  @IsText(256)
  name!: string;

  /** Source id of the parent; absent for a top-level category. Consumers create a missing parent first. */
  @IsOptional()
  @IsEntityId()
  parentId?: string;

  @IsOptional()
  @IsBoolean()
  isActive?: boolean;

  @IsOptional()
  @IsInt()
  sortOrder?: number;
}

/** `catalog.category.deleted.v1`. */
export class CategoryDeleted {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  categoryId!: string;
}
