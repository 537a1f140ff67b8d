import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';

import { IsEntityId, IsSyncSource, IsText, SyncSource } from './common';

/**
 * `payment.method.upserted.v1`: a payment method is available (or no longer) in the store. The Odoo connector
 * maps each to an `account.journal` so paid orders get their payment registered in the right journal.
 * Keyed by `storeId:<methodId>`.
 */
export class PaymentMethodUpserted {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  methodId!: string;

  /** The code orders carry (`SalesOrderUpserted.payment.methodCode`: 'cod', 'bank', 'mada', …). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  code!: string;

  @IsText(256)
  name!: string;

  /** false = disabled or removed: the mapping stays, for the orders already paid with it. */
  @IsBoolean()
  isActive!: boolean;
}
