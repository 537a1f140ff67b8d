import type { SallaDate } from './salla-dates';

/**
 * The Merchant API resources the simulator serves, with Salla's own field names (see the webhook fixtures in
 * /work/shared/fixtures/salla/webhooks: a webhook's `data` has the same shape as the API resource).
 * Only the fields sync cares about are typed strictly; Salla sends many more, and so do seeded resources.
 */
export type SallaPlan = 'basic' | 'plus' | 'pro' | 'special';

/** Store ids are numbers on Salla; the simulator accepts either form and keys stores by the string. */
export type StoreId = string | number;

export interface SallaMoney {
  amount: number;
  currency: string;
}

export interface SallaCategory {
  id: number;
  name: string;
  image: string | null;
  urls: { customer: string; admin: string };
  parent_id: number;
  sort_order: number;
  status: 'active' | 'hidden';
  sub_categories: SallaCategory[];
  [extra: string]: unknown;
}

export interface SallaOptionValue {
  id: number;
  name: string;
  price: SallaMoney;
  display_value: string;
  option_id: number;
  is_default: boolean;
  is_out_of_stock: boolean;
  [extra: string]: unknown;
}

export interface SallaProductOption {
  id: number;
  name: string;
  description: string | null;
  type: 'radio' | 'checkbox' | 'select';
  required: boolean;
  display_type: 'text' | 'color' | 'image';
  values: SallaOptionValue[];
  [extra: string]: unknown;
}

/** A variant ("SKU" in Salla's API). */
export interface SallaSku {
  id: number;
  sku: string;
  barcode: string;
  mpn: string;
  gtin: string;
  price: SallaMoney;
  regular_price: SallaMoney;
  sale_price: SallaMoney;
  cost_price: SallaMoney;
  has_special_price: boolean;
  stock_quantity: number;
  unlimited_quantity: boolean;
  notify_low: number | null;
  weight: number;
  weight_type: string;
  related_option_values: number[];
  is_default: boolean;
  [extra: string]: unknown;
}

export interface SallaProduct {
  id: number;
  sku: string;
  mpn: string | null;
  gtin: string | null;
  type: 'product' | 'service' | 'group_products' | 'codes' | 'digital' | 'food' | 'donating' | 'booking';
  name: string;
  description: string;
  urls: { customer: string; admin: string };
  price: SallaMoney;
  taxed_price: SallaMoney;
  pre_tax_price: SallaMoney;
  tax: SallaMoney;
  sale_price: SallaMoney;
  regular_price: SallaMoney;
  cost_price: number | null;
  sale_end: string | null;
  quantity: number;
  unlimited_quantity: boolean;
  status: 'sale' | 'out' | 'hidden' | 'deleted';
  is_available: boolean;
  sold_quantity: number;
  require_shipping: boolean;
  weight: number;
  weight_type: string | null;
  with_tax: boolean;
  main_image: string | null;
  images: unknown[];
  managed_by_branches: boolean;
  updated_at: string;
  options: SallaProductOption[];
  skus: SallaSku[];
  categories: SallaCategory[];
  brand: unknown;
  tags: unknown[];
  [extra: string]: unknown;
}

export interface SallaCustomer {
  id: number;
  first_name: string;
  last_name: string;
  mobile: number;
  mobile_code: string;
  email: string;
  urls: { customer: string; admin: string };
  avatar: string;
  gender: 'male' | 'female';
  birthday: SallaDate | null;
  city: string;
  country: string;
  country_code: string;
  currency: string;
  location: string;
  updated_at: SallaDate;
  groups: unknown[];
  [extra: string]: unknown;
}

export interface SallaOrderStatus {
  id: number;
  name: string;
  slug: string;
  customized: { id: number; name: string } | null;
}

export interface SallaOrderItem {
  id: number;
  name: string;
  sku: string;
  quantity: number;
  currency: string;
  weight: number;
  amounts: {
    price_without_tax: SallaMoney;
    total_discount: SallaMoney;
    tax: { percent: string; amount: SallaMoney };
    total: SallaMoney;
  };
  notes: string;
  product: {
    id: number;
    type: string;
    status: string;
    is_available: boolean;
    sku: string;
    name: string;
    price: SallaMoney;
    sale_price: SallaMoney;
    currency: string;
    url: string;
    thumbnail: string | null;
    [extra: string]: unknown;
  };
  /** The variant ordered; null for a product without variants. */
  product_sku_id: number | null;
  options: Array<{ id: number; product_option_id: number; name: string; type: string; value: unknown }>;
  images: unknown[];
  codes: unknown[];
  files: unknown[];
  [extra: string]: unknown;
}

export interface SallaOrderAmounts {
  sub_total: SallaMoney;
  shipping_cost: SallaMoney;
  cash_on_delivery: SallaMoney;
  tax: { percent: string; amount: SallaMoney };
  discounts: Array<{
    title: string;
    type: string;
    code: string;
    discount: string;
    discounted_shipping?: number;
  }>;
  total: SallaMoney;
  [extra: string]: unknown;
}

export interface SallaOrderShipping {
  id: number;
  app_id: string | null;
  company: string;
  logo: string;
  receiver: { name: string; email: string; phone: string };
  shipper: { name: string; company_name: string; email: string; phone: string };
  pickup_address: Record<string, unknown>;
  address: Record<string, unknown>;
  shipment: { id: string; pickup_id: string | null; tracking_link: string; label: unknown[] };
  policy_options: unknown;
  [extra: string]: unknown;
}

export interface SallaOrder {
  id: number;
  reference_id: number;
  urls: { customer: string; admin: string };
  date: SallaDate;
  updated_at: SallaDate;
  source: string;
  status: SallaOrderStatus;
  payment_method: string;
  currency: string;
  amounts: SallaOrderAmounts;
  shipping: SallaOrderShipping | null;
  can_cancel: boolean;
  can_reorder: boolean;
  is_pending_payment: boolean;
  customer: SallaCustomer;
  items: SallaOrderItem[];
  tags: unknown[];
  [extra: string]: unknown;
}

/** What `GET /orders` lists: a summary; `GET /orders/{id}` gives the full {@link SallaOrder}. */
export interface SallaOrderSummary {
  id: number;
  reference_id: number;
  total: SallaMoney;
  date: SallaDate;
  updated_at: SallaDate;
  status: SallaOrderStatus;
  payment_method: string;
  currency: string;
  can_cancel: boolean;
  can_reorder: boolean;
  is_pending_payment: boolean;
  customer: {
    id: number;
    full_name: string;
    first_name: string;
    last_name: string;
    mobile: number;
    email: string;
  };
  items: Array<{ name: string; quantity: number; thumbnail: string | null }>;
}

export interface SallaShippingCompany {
  id: number;
  name: string;
  slug: string;
  logo: string;
  app_id: string | null;
  activation_type: 'manual' | 'api';
  status: boolean;
  [extra: string]: unknown;
}

export interface SallaPaymentMethod {
  id: number;
  name: string;
  slug: string;
  logo: string;
  status: boolean;
  [extra: string]: unknown;
}

export interface SallaStoreInfo {
  id: number | string;
  name: string;
  entity: string;
  email: string;
  avatar: string;
  plan: SallaPlan;
  type: string;
  status: string;
  verified: boolean;
  currency: string;
  domain: string;
  description: string;
  licenses: Record<string, unknown>;
  social: Record<string, unknown>;
}

/** `GET /products/quantities`: one row per product, with its variants' stock when it has any. */
export interface SallaProductQuantity {
  id: number;
  name: string;
  sku: string;
  quantity: number;
  unlimited_quantity: boolean;
  skus: Array<{
    id: number;
    sku: string;
    barcode: string;
    stock_quantity: number;
    unlimited_quantity: boolean;
  }>;
}

export type DeepPartial<T> =
  T extends Array<infer U>
    ? Array<DeepPartial<U>>
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;
