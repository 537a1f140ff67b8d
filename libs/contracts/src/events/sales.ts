import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsLatitude,
  IsLongitude,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import {
  IsAbsentWith,
  IsCurrency,
  IsDecimalAmount,
  IsEntityId,
  IsSyncSource,
  IsText,
  IsUtcTimestamp,
  SyncSource,
} from './common';
import { CustomerContact } from './customer';

/*
 * Orders. Keyed by `storeId:<orderId>` so the upserts, cancellation, refunds and status commands of one order
 * are each applied in order. All amounts are decimal strings in the order's single `currency`.
 */

/** Payment state, our own vocabulary (Salla derives it from the method and `is_pending_payment`). */
export const PAYMENT_STATUSES = [
  'pending',
  'paid',
  'partially_refunded',
  'refunded',
  'failed',
  'cancelled',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Order status as the source names it. Salla statuses are merchant-customisable, hence slug + id. */
export class OrderStatus {
  /**
   * Salla's base status slug (payment_pending, under_review, in_progress, completed, delivering, delivered,
   * shipped, canceled, restoring, restored). The Odoo connector maps it to confirm / cancel / nothing.
   */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  slug!: string;

  @IsOptional()
  @IsEntityId()
  id?: string;

  /** Display name (often Arabic); for people, not for logic. */
  @IsOptional()
  @IsText(256)
  name?: string;

  /** The merchant's customised status built on the slug, if any. */
  @IsOptional()
  @IsEntityId()
  customStatusId?: string;
}

/**
 * Who bought, as a reference AND a snapshot: the Odoo connector must be able to create the partner from the order
 * alone, because the customer's own upsert travels on another topic and may arrive later.
 */
export class OrderCustomer extends CustomerContact {
  /** Source customer id; absent for a guest checkout. */
  @IsOptional()
  @IsEntityId()
  customerId?: string;
}

/** A postal address, flattened for Odoo's partner fields (street, city, zip, country). */
export class PostalAddress {
  /** Receiver's name (may differ from the customer's). */
  @IsOptional()
  @IsText(256)
  name?: string;

  @IsOptional()
  @IsText(32)
  phone?: string;

  @IsOptional()
  @IsText(320)
  email?: string;

  /** Looked up as `res.country` by code in Odoo. */
  @IsISO31661Alpha2()
  countryCode!: string;

  @IsOptional()
  @IsText(128)
  city?: string;

  /** District / neighbourhood (Salla `block`). */
  @IsOptional()
  @IsText(256)
  district?: string;

  @IsOptional()
  @IsText(256)
  street?: string;

  @IsOptional()
  @IsText(32)
  postalCode?: string;

  /** The address as one line, as the source formatted it. */
  @IsOptional()
  @IsText(1024)
  line?: string;

  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @IsOptional()
  @IsLongitude()
  longitude?: number;
}

/** How the order ships. Absent for orders that do not ship (digital goods, bookings). */
export class OrderShipping {
  /** Source id of the shipping method/company; bound to an Odoo `delivery.carrier` via `shipping.method.upserted`. */
  @IsOptional()
  @IsEntityId()
  methodId?: string;

  /** Method or company name, used to create the carrier when it is not bound yet. */
  @IsOptional()
  @IsText(256)
  methodName?: string;

  /** The courier actually handling the parcel, when the method is an aggregator. */
  @IsOptional()
  @IsText(256)
  courierName?: string;

  @IsOptional()
  @IsText(128)
  trackingNumber?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PostalAddress)
  address?: PostalAddress;
}

/** How the order is paid. */
export class OrderPayment {
  /** Method code ('bank', 'cod', 'mada', 'credit_card', 'apple_pay', …); the Odoo connector maps it to a journal. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  methodCode!: string;

  /** Decides whether Odoo gets an invoice only, or an invoice plus a registered payment. */
  @IsIn([...PAYMENT_STATUSES])
  status!: PaymentStatus;
}

/** One chosen option on a line (Size = BIG), kept so Odoo's line description shows what was ordered. */
export class OrderLineOption {
  @IsText(256)
  name!: string;

  @IsText(512)
  value!: string;
}

export class OrderLine {
  /** Source line id; identifies the line across upserts of the same order. */
  @IsEntityId()
  lineId!: string;

  /** Source product id; with variantId and sku, how the consumer finds the product it binds the line to. */
  @IsOptional()
  @IsEntityId()
  productId?: string;

  @IsOptional()
  @IsEntityId()
  variantId?: string;

  @IsOptional()
  @IsText(128)
  sku?: string;

  /** Name at the time of sale, so the line reads correctly even if the product is later renamed or deleted. */
  @IsText(512)
  name!: string;

  @IsInt()
  @Min(1)
  quantity!: number;

  /** Price of one unit before tax and discount (Odoo `price_unit`). */
  @IsDecimalAmount()
  unitPrice!: string;

  /** Discount on the whole line (not per unit). */
  @IsDecimalAmount()
  discount!: string;

  /** Tax on the whole line. */
  @IsDecimalAmount()
  tax!: string;

  /** What the customer pays for the line. */
  @IsDecimalAmount()
  total!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => OrderLineOption)
  options!: OrderLineOption[];
}

/** Order-level amounts; the Odoo connector adds shipping/discount/COD lines so Odoo's total matches `total`. */
export class OrderTotals {
  /** Sum of lines before shipping, order discounts and tax. */
  @IsDecimalAmount()
  subtotal!: string;

  @IsDecimalAmount()
  shipping!: string;

  /** Cash-on-delivery fee. */
  @IsDecimalAmount()
  cashOnDelivery!: string;

  /** All order-level discounts together. */
  @IsDecimalAmount()
  discount!: string;

  @IsDecimalAmount()
  tax!: string;

  @IsDecimalAmount()
  total!: string;
}

/**
 * `sales.order.upserted.v1`: an order was created or changed; the whole order every time, so a consumer can
 * (re)build it from any one message. Odoo creates a `sale.order` on first sight and updates it after.
 */
export class SalesOrderUpserted {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  orderId!: string;

  /** The number the merchant and customer see (Salla `reference_id`); becomes Odoo's `client_order_ref`. */
  @IsEntityId()
  referenceId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => OrderStatus)
  status!: OrderStatus;

  /** Currency of every amount in this order. */
  @IsCurrency()
  currency!: string;

  /** When the customer placed it. */
  @IsUtcTimestamp()
  placedAt!: string;

  /** When the source last changed it; an older upsert than the one applied is dropped. */
  @IsOptional()
  @IsUtcTimestamp()
  sourceUpdatedAt?: string;

  @IsObject()
  @ValidateNested()
  @Type(() => OrderCustomer)
  customer!: OrderCustomer;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => OrderLine)
  lines!: OrderLine[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderShipping)
  shipping?: OrderShipping;

  @IsObject()
  @ValidateNested()
  @Type(() => OrderPayment)
  payment!: OrderPayment;

  @IsObject()
  @ValidateNested()
  @Type(() => OrderTotals)
  totals!: OrderTotals;

  /** Salla branch the order ships from or is picked up at; picks the Odoo warehouse when mapped. */
  @IsOptional()
  @IsEntityId()
  branchId?: string;
}

/** `sales.order.cancelled.v1`: Odoo cancels the sale order (releasing its reservation). */
export class SalesOrderCancelled {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  orderId!: string;

  @IsOptional()
  @IsEntityId()
  referenceId?: string;

  @IsUtcTimestamp()
  cancelledAt!: string;

  @IsOptional()
  @IsText(1024)
  reason?: string;
}

/** `sales.order.refunded.v1`: money went back to the customer; Odoo records a credit note for `amount`. */
export class SalesOrderRefunded {
  @IsSyncSource()
  source!: SyncSource;

  @IsEntityId()
  orderId!: string;

  @IsOptional()
  @IsEntityId()
  referenceId?: string;

  /** Source id of this refund; tells two equal partial refunds apart. */
  @IsOptional()
  @IsEntityId()
  refundId?: string;

  @IsDecimalAmount()
  amount!: string;

  @IsCurrency()
  currency!: string;

  /** Full refund: the whole invoice is reversed; otherwise a partial credit note for `amount`. */
  @IsBoolean()
  isFullRefund!: boolean;

  @IsUtcTimestamp()
  refundedAt!: string;

  @IsOptional()
  @IsText(1024)
  reason?: string;
}

/**
 * `sales.order.status-set.v1`: COMMAND to the Salla connector: move a Salla order to a status
 * (`POST /orders/{id}/status`), e.g. "delivered" once Odoo validated the delivery. Exactly one of `slug`
 * (a base status) or `statusId` (a merchant's custom status) is given.
 */
export class SalesOrderStatusSet {
  /** Salla order id. */
  @IsEntityId()
  orderId!: string;

  @ValidateIf((o: SalesOrderStatusSet) => o.slug != null || o.statusId == null)
  @IsString({ message: 'slug is required when statusId is not given' })
  @IsNotEmpty()
  @MaxLength(64)
  slug?: string;

  @ValidateIf((o: SalesOrderStatusSet) => o.statusId != null || o.slug == null)
  @IsString({ message: 'statusId is required when slug is not given' })
  @IsAbsentWith('slug')
  @IsNotEmpty()
  @MaxLength(128)
  statusId?: string;

  /** Shown in the order history in Salla (and may be sent to the customer). */
  @IsOptional()
  @IsText(1024)
  note?: string;

  /** Envelope id of the event that caused this command. */
  @IsOptional()
  @IsUUID()
  causationEventId?: string;
}
