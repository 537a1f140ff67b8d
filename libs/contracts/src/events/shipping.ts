import { IsBoolean, IsOptional } from 'class-validator';

import { IsEntityId, IsSyncSource, IsText, SyncSource } from './common';

/**
 * `shipping.method.upserted.v1`: a shipping method/company exists (or changed) in `source`; the Odoo connector
 * keeps a `delivery.carrier` bound to it so orders can name their carrier. Keyed by `storeId:<methodId>`.
 * A deleted method arrives as `isActive: false`: the carrier is archived, never removed, because past orders
 * still point at it.
 */
export class ShippingMethodUpserted {
  @IsSyncSource()
  source!: SyncSource;

  /** Same id as `SalesOrderUpserted.shipping.methodId`. */
  @IsEntityId()
  methodId!: string;

  @IsText(256)
  name!: string;

  @IsBoolean()
  isActive!: boolean;

  /** Salla app id when the method is provided by a shipping app; shown to operators. */
  @IsOptional()
  @IsEntityId()
  appId?: string;
}
