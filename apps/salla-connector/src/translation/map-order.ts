import type {
  OrderCustomer,
  OrderLine,
  OrderLineOption,
  OrderShipping,
  OrderStatus,
  PostalAddress,
  SalesOrderUpserted,
} from '@app/contracts';

import { contactOf, normaliseEmail, normalisePhone } from './map-customer';
import { ResourceLabel } from './malformed-resource.error';
import { paymentStatusOf } from './order-payment-status';
import { orderTotalsOf } from './order-totals';
import {
  currencyOfMoney,
  formatAmount,
  type Micros,
  readAmount,
  readDiscount,
  sum,
  times,
  ZERO,
} from './salla-money';
import type {
  SallaAddress,
  SallaCustomer,
  SallaOrder,
  SallaOrderItem,
  SallaOrderItemOption,
  SallaOrderShipping,
  SallaShipment,
} from './salla-resources';
import { sallaTimeToUtc } from './salla-time';
import {
  booleanOf,
  countryCodeOf,
  currencyCodeOf,
  idOf,
  integerOf,
  isRecord,
  recordsOf,
  textOf,
  withoutUndefined,
} from './salla-values';

export interface MapOrderOptions {
  /** The store's currency, for orders that name none. */
  fallbackCurrency: string;
}

/** A placeholder method code for orders Salla sends without one; the Odoo connector reports it as unmapped. */
export const UNKNOWN_PAYMENT_METHOD = 'unknown';

function statusOf(label: ResourceLabel, status: unknown): OrderStatus {
  const slug = isRecord(status) ? textOf(status.slug, 64) : undefined;
  if (!isRecord(status) || slug === undefined) throw label.malformed('status.slug', 'is missing');
  return withoutUndefined({
    slug,
    id: idOf(status.id),
    name: textOf(status.name, 256),
    customStatusId: isRecord(status.customized) ? idOf(status.customized.id) : undefined,
  });
}

function optionValuesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(optionValuesOf);
  const text = isRecord(value) ? textOf(value.name, 512) : textOf(value, 512);
  return text === undefined ? [] : [text];
}

function lineOptionsOf(options: readonly SallaOrderItemOption[]): OrderLineOption[] {
  return options.flatMap((option) => {
    const name = textOf(option.name, 256);
    if (name === undefined) return [];
    return optionValuesOf(option.value).map((value) => ({ name, value }));
  });
}

interface MappedLine {
  line: OrderLine;
  /** unit price × quantity, before discount and tax. */
  gross: Micros;
}

/**
 * One order line. `unitPrice` is Salla's `price_without_tax` (one unit, before tax and discount); `discount`
 * and `tax` are the whole line's; `total` = unitPrice × quantity − discount + tax, never below 0 (Salla's own
 * item `total` leaves the discount out, so it is recomputed to mean what the customer pays for the line).
 */
function lineOf(label: ResourceLabel, item: SallaOrderItem, index: number): MappedLine {
  const field = (name: string): string => `items[${index}].${name}`;
  const lineId = idOf(item.id);
  if (lineId === undefined) throw label.malformed(field('id'), 'is missing');
  const quantity = integerOf(item.quantity);
  if (quantity === undefined || quantity < 1)
    throw label.malformed(field('quantity'), 'must be a whole number ≥ 1');
  const product = isRecord(item.product) ? item.product : undefined;
  const amounts = isRecord(item.amounts) ? item.amounts : {};
  const unitPrice =
    readAmount(label, field('amounts.price_without_tax'), amounts.price_without_tax) ??
    readAmount(label, field('product.price'), product?.price);
  if (unitPrice === undefined) throw label.malformed(field('amounts.price_without_tax'), 'is missing');
  const discount = readDiscount(label, field('amounts.total_discount'), amounts.total_discount) ?? ZERO;
  const taxValue = isRecord(amounts.tax) && 'amount' in amounts.tax ? amounts.tax.amount : amounts.tax;
  const tax = readAmount(label, field('amounts.tax.amount'), taxValue) ?? ZERO;
  const gross = times(unitPrice, quantity);
  const net = gross - discount + tax;

  const productId = idOf(product?.id) ?? idOf(item.product_id);
  const sku = textOf(item.sku, 128);
  return {
    gross,
    line: withoutUndefined({
      lineId,
      productId,
      variantId: idOf(item.product_sku_id) ?? idOf(item.sku_id),
      sku,
      // The name at the time of sale; a nameless line still needs one for Odoo's description.
      name:
        textOf(item.name, 512) ??
        textOf(product?.name, 512) ??
        sku ??
        (productId === undefined ? 'Item' : `Salla product ${productId}`),
      quantity,
      unitPrice: formatAmount(unitPrice),
      discount: formatAmount(discount),
      tax: formatAmount(tax),
      total: formatAmount(net > ZERO ? net : ZERO),
      options: lineOptionsOf(recordsOf(item.options) as SallaOrderItemOption[]),
    }),
  };
}

function coordinateOf(value: unknown, limit: number): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

/** The delivery address; absent without a country code (Odoo's partner address needs the country). */
function addressOf(address: SallaAddress | undefined, receiver: unknown): PostalAddress | undefined {
  if (address === undefined) return undefined;
  const countryCode = countryCodeOf(address.country_code) ?? countryCodeOf(address.country);
  if (countryCode === undefined) return undefined;
  const geo = isRecord(address.geo_coordinates) ? address.geo_coordinates : {};
  const latitude = coordinateOf(geo.lat, 90);
  const longitude = coordinateOf(geo.lng, 180);
  // Salla writes 0,0 for "no pin dropped"; nobody ships to the Gulf of Guinea.
  const hasPin = latitude !== undefined && longitude !== undefined && (latitude !== 0 || longitude !== 0);
  const who = isRecord(receiver) ? receiver : {};
  return withoutUndefined({
    name: textOf(who.name, 256),
    phone: normalisePhone(who.phone),
    email: normaliseEmail(who.email),
    countryCode,
    city: textOf(address.city, 128),
    district: textOf(address.block, 256),
    street: textOf(address.street_number, 256),
    postalCode: textOf(address.postal_code, 32),
    line: textOf(address.shipping_address, 1024),
    latitude: hasPin ? latitude : undefined,
    longitude: hasPin ? longitude : undefined,
  });
}

/** The shipment that tells where the parcel is: the latest one not cancelled, preferring one with tracking. */
function currentShipmentOf(shipments: readonly SallaShipment[]): SallaShipment | undefined {
  const live = shipments.filter((s) => !/cancel/i.test(typeof s.status === 'string' ? s.status : ''));
  return [...live].reverse().find((s) => textOf(s.tracking_number, 128) !== undefined) ?? live.at(-1);
}

function shippingOf(order: SallaOrder): OrderShipping | undefined {
  const shipping: SallaOrderShipping | undefined = isRecord(order.shipping) ? order.shipping : undefined;
  const shipment = currentShipmentOf(recordsOf(order.shipments));
  const mapped = withoutUndefined({
    methodId: idOf(shipping?.id),
    methodName: textOf(shipping?.company, 256),
    courierName: textOf(shipment?.courier_name, 256),
    trackingNumber: textOf(shipment?.tracking_number, 128) ?? textOf(shipment?.shipping_number, 128),
    address: addressOf(isRecord(shipping?.address) ? shipping.address : undefined, shipping?.receiver),
  });
  return Object.keys(mapped).length === 0 ? undefined : mapped;
}

/** The buyer as a reference and a snapshot; a guest checkout (no customer) falls back to the receiver. */
function customerOf(order: SallaOrder): OrderCustomer {
  if (isRecord(order.customer)) {
    const customer: SallaCustomer = order.customer;
    return withoutUndefined({ customerId: idOf(customer.id), ...contactOf(customer) });
  }
  const receiver =
    isRecord(order.shipping) && isRecord(order.shipping.receiver) ? order.shipping.receiver : {};
  return withoutUndefined(
    contactOf({
      name: textOf(receiver.name, 256),
      email: textOf(receiver.email, 320),
      mobile: textOf(receiver.phone, 64),
    }),
  );
}

function branchIdOf(order: SallaOrder): string | undefined {
  const pickup = isRecord(order.pickup_branch) ? idOf(order.pickup_branch.id) : undefined;
  return pickup ?? idOf(recordsOf(order.shipment_branch)[0]?.id);
}

/**
 * `sales.order.upserted.v1` from a whole Salla order (webhook `order.*` data or `GET /orders/{id}`): every
 * line, the buyer, shipping, payment status and totals normalised so that
 * total = subtotal + shipping + cashOnDelivery + tax − discount (see order-totals.ts).
 */
export function mapOrder(o: SallaOrder, { fallbackCurrency }: MapOrderOptions): SalesOrderUpserted {
  const orderId = idOf(o.id);
  const label = ResourceLabel.of('order', orderId);
  if (orderId === undefined) throw label.malformed('id', 'is missing');
  const referenceId = idOf(o.reference_id);
  if (referenceId === undefined) throw label.malformed('reference_id', 'is missing');
  const status = statusOf(label, o.status);
  const amounts = isRecord(o.amounts) ? o.amounts : undefined;
  const currency =
    currencyCodeOf(o.currency) ??
    currencyCodeOf(currencyOfMoney(amounts?.total)) ??
    currencyCodeOf(currencyOfMoney(o.total)) ??
    currencyCodeOf(fallbackCurrency);
  if (currency === undefined) throw label.malformed('currency', 'is missing and the store has no currency');
  const placedAt = sallaTimeToUtc(o.date) ?? sallaTimeToUtc(o.created_at);
  if (placedAt === undefined) throw label.malformed('date', 'is missing or not a date');
  const items = recordsOf(o.items) as SallaOrderItem[];
  if (items.length === 0) throw label.malformed('items', 'is empty: an order needs at least one line');
  const lines = items.map((item, i) => lineOf(label, item, i));
  const paymentMethod = textOf(o.payment_method, 64);

  return withoutUndefined({
    source: 'salla',
    orderId,
    referenceId,
    status,
    currency,
    placedAt,
    sourceUpdatedAt: sallaTimeToUtc(o.updated_at),
    customer: customerOf(o),
    lines: lines.map((l) => l.line),
    shipping: shippingOf(o),
    payment: {
      methodCode: paymentMethod ?? UNKNOWN_PAYMENT_METHOD,
      status: paymentStatusOf({
        statusSlug: status.slug,
        paymentMethod,
        isPendingPayment: booleanOf(o.is_pending_payment),
      }),
    },
    totals: orderTotalsOf(label, {
      amounts,
      total: o.total,
      linesSubtotal: sum(lines.map((l) => l.gross)),
    }),
    branchId: branchIdOf(o),
  });
}
