/*
 * Salla resources as they arrive: in webhook `data` and in Merchant API v2 responses (the two share shapes).
 * Tolerant on purpose: every field is optional and may be null, because Salla adds, omits and re-types fields
 * between endpoints and versions (ids as numbers or strings, money as objects or bare numbers). The mappers
 * read every field through the guards in salla-values.ts / salla-money.ts / salla-time.ts, never trusting
 * these declarations at run time; the index signatures keep unknown fields legal.
 */

/** Ids are numbers on most endpoints and strings on some (`store.branch.*`, `merchant`). */
export type SallaId = number | string;

/**
 * Money: `{amount, currency}`, nested `{amount: {amount, currency}}` (order tax), a bare number (`"price": 150`
 * in `product.price.updated`) or a decimal string (`"discount": "5.00"`).
 */
export type SallaMoney = number | string | SallaMoneyObject;
export interface SallaMoneyObject {
  amount?: SallaMoney | null;
  currency?: string | null;
  [extra: string]: unknown;
}

/** PHP-style date object, zone-less local text (Riyadh), ISO text, or unix seconds. */
export type SallaDate = string | number | SallaDateObject;
export interface SallaDateObject {
  date?: string;
  timezone_type?: number;
  timezone?: string;
}

/** Something with an id and a name, as Salla nests references (`{id, name}`). */
export interface SallaRef {
  id?: SallaId | null;
  name?: string | null;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------------------------------------- catalogue

export interface SallaCategory {
  id?: SallaId | null;
  name?: string | null;
  /** 0 (or absent) for a top-level category. */
  parent_id?: SallaId | null;
  /** 'active' | 'hidden' */
  status?: string | boolean | null;
  sort_order?: number | string | null;
  /**
   * The category tree of `GET /categories` (SallaCategory objects); sample webhooks carry placeholders
   * (`["string"]`), hence `unknown`.
   */
  sub_categories?: unknown[] | null;
  [extra: string]: unknown;
}

export interface SallaProductOptionValue {
  id?: SallaId | null;
  name?: string | null;
  price?: SallaMoney | null;
  [extra: string]: unknown;
}

export interface SallaProductOption {
  id?: SallaId | null;
  name?: string | null;
  type?: string | null;
  values?: SallaProductOptionValue[] | null;
  [extra: string]: unknown;
}

/** A variant ("sku" in Salla's API). */
export interface SallaProductSku {
  id?: SallaId | null;
  sku?: string | null;
  barcode?: string | null;
  gtin?: string | null;
  mpn?: string | null;
  price?: SallaMoney | null;
  regular_price?: SallaMoney | null;
  sale_price?: SallaMoney | null;
  cost_price?: SallaMoney | null;
  stock_quantity?: number | string | null;
  unlimited_quantity?: boolean | null;
  /** Ids of the option values (`options[].values[].id`) that make this variant. */
  related_option_values?: SallaId[] | null;
  weight?: number | string | null;
  weight_type?: string | null;
  [extra: string]: unknown;
}

/** 'product' | 'service' | 'group_products' | 'codes' | 'digital' | 'food' | 'donating' | 'booking' | … */
export type SallaProductType = string;

export interface SallaProduct {
  id?: SallaId | null;
  name?: string | null;
  type?: SallaProductType | null;
  /** 'sale' | 'out' (out of stock, still listed) | 'hidden' | 'deleted' */
  status?: string | null;
  sku?: string | null;
  barcode?: string | null;
  gtin?: string | null;
  mpn?: string | null;
  price?: SallaMoney | null;
  regular_price?: SallaMoney | null;
  sale_price?: SallaMoney | null;
  /** `cost_price` on the product resource, `cost` in `product.price.updated`. */
  cost_price?: SallaMoney | null;
  cost?: SallaMoney | null;
  currency?: string | null;
  quantity?: number | string | null;
  unlimited_quantity?: boolean | null;
  weight?: number | string | null;
  /** 'kg' | 'g' | 'lb' | 'oz'; null means kilograms. */
  weight_type?: string | null;
  description?: string | null;
  categories?: Array<SallaRef | SallaId> | null;
  options?: SallaProductOption[] | null;
  skus?: SallaProductSku[] | null;
  updated_at?: SallaDate | null;
  brand?: SallaRef | null;
  tags?: SallaRef[] | null;
  [extra: string]: unknown;
}

// ------------------------------------------------------------------------------------------------ customers

export interface SallaCustomer {
  id?: SallaId | null;
  first_name?: string | null;
  last_name?: string | null;
  /** Some order payloads carry one `name` (or `full_name`) instead of first/last. */
  name?: string | null;
  full_name?: string | null;
  /** Local number (501806978) next to `mobile_code` ('+966'), or already international ('+96652318526'). */
  mobile?: number | string | null;
  mobile_code?: string | null;
  email?: string | null;
  city?: string | null;
  /** Country NAME ('السعودية'); the code is `country_code`. */
  country?: string | null;
  country_code?: string | null;
  updated_at?: SallaDate | null;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------------------------------------------- orders

export interface SallaOrderStatus {
  id?: SallaId | null;
  name?: string | null;
  slug?: string | null;
  customized?: SallaRef | null;
  [extra: string]: unknown;
}

/** `tax` on orders and items: `{percent: "0.00", amount: {amount, currency}}`. */
export interface SallaTaxAmount {
  percent?: string | number | null;
  amount?: SallaMoney | null;
  [extra: string]: unknown;
}

export interface SallaOrderItemOption {
  id?: SallaId | null;
  name?: string | null;
  type?: string | null;
  /** One value `{id, name}`, a list of them (checkboxes), or plain text. */
  value?: SallaRef | SallaRef[] | string | number | null;
  [extra: string]: unknown;
}

export interface SallaOrderItem {
  id?: SallaId | null;
  name?: string | null;
  sku?: string | null;
  quantity?: number | string | null;
  /** Present on `order.status.updated`; the full order nests `product`. */
  product_id?: SallaId | null;
  product?: SallaProduct | null;
  /** The variant ordered; null for a product without variants. */
  product_sku_id?: SallaId | null;
  amounts?: {
    /** Price of ONE unit, before tax and discount. */
    price_without_tax?: SallaMoney | null;
    /** Discount on the whole line: this line's share of the order's `discounts`. */
    total_discount?: SallaMoney | null;
    tax?: SallaTaxAmount | SallaMoney | null;
    total?: SallaMoney | null;
    [extra: string]: unknown;
  } | null;
  options?: SallaOrderItemOption[] | null;
  [extra: string]: unknown;
}

export interface SallaOrderDiscount {
  title?: string | null;
  type?: string | null;
  code?: string | null;
  discount?: SallaMoney | null;
  discounted_shipping?: SallaMoney | null;
  [extra: string]: unknown;
}

export interface SallaOrderAmounts {
  sub_total?: SallaMoney | null;
  shipping_cost?: SallaMoney | null;
  cash_on_delivery?: SallaMoney | null;
  tax?: SallaTaxAmount | SallaMoney | null;
  discounts?: SallaOrderDiscount[] | null;
  total?: SallaMoney | null;
  [extra: string]: unknown;
}

export interface SallaAddress {
  country?: string | null;
  country_code?: string | null;
  city?: string | null;
  shipping_address?: string | null;
  street_number?: string | null;
  block?: string | null;
  postal_code?: string | number | null;
  geo_coordinates?: { lat?: number | string | null; lng?: number | string | null } | null;
  [extra: string]: unknown;
}

export interface SallaOrderShipping {
  /** The shipping company's id (the same id `GET /shipping/companies` lists). */
  id?: SallaId | null;
  app_id?: SallaId | null;
  /** Company name. */
  company?: string | null;
  receiver?: { name?: string | null; email?: string | null; phone?: string | number | null } | null;
  address?: SallaAddress | null;
  [extra: string]: unknown;
}

/** A shipment: inside `order.shipments`, and the whole `data` of `shipment.*` webhooks. */
export interface SallaShipment {
  id?: SallaId | null;
  /** Only on `shipment.*` webhooks. */
  order_id?: SallaId | null;
  order_reference_id?: SallaId | null;
  courier_id?: SallaId | null;
  courier_name?: string | null;
  tracking_number?: string | number | null;
  shipping_number?: string | number | null;
  /** 'created' | 'in_progress' | 'delivering' | 'delivered' | 'cancelled' | … */
  status?: string | null;
  [extra: string]: unknown;
}

export interface SallaOrder {
  id?: SallaId | null;
  reference_id?: SallaId | null;
  /** When it was placed. */
  date?: SallaDate | null;
  created_at?: SallaDate | null;
  updated_at?: SallaDate | null;
  status?: SallaOrderStatus | null;
  /** 'bank' | 'cod' | 'credit_card' | 'mada' | 'apple_pay' | 'stc_pay' | 'tabby' | 'tamara' | … */
  payment_method?: string | null;
  is_pending_payment?: boolean | null;
  currency?: string | null;
  amounts?: SallaOrderAmounts | null;
  /** Order summaries carry the total here instead of under `amounts`. */
  total?: SallaMoney | null;
  shipping?: SallaOrderShipping | null;
  shipments?: SallaShipment[] | null;
  customer?: SallaCustomer | null;
  items?: SallaOrderItem[] | null;
  pickup_branch?: SallaRef | null;
  shipment_branch?: SallaRef[] | null;
  [extra: string]: unknown;
}

/** `order.status.updated` data: a status-history entry with the order nested (its own `id` is NOT the order's). */
export interface SallaOrderStatusUpdate {
  id?: SallaId | null;
  status?: string | null;
  note?: string | null;
  created_at?: SallaDate | null;
  order?: SallaOrder | null;
  order_id?: SallaId | null;
  [extra: string]: unknown;
}

// ------------------------------------------------------------------------------------ shipping and payment

export interface SallaShippingCompany {
  id?: SallaId | null;
  name?: string | null;
  slug?: string | null;
  app_id?: SallaId | null;
  /** Enabled in the store: boolean, or 'active' / 'inactive'. */
  status?: boolean | string | number | null;
  [extra: string]: unknown;
}

/** `shipping.zone.*` data: only the company reference matters to sync. */
export interface SallaShippingZone {
  id?: SallaId | null;
  company?: { id?: SallaId | null; slug?: string | null } | null;
  [extra: string]: unknown;
}

export interface SallaPaymentMethod {
  id?: SallaId | null;
  name?: string | null;
  /** The code orders carry in `payment_method` ('bank', 'cod', 'mada', …). */
  slug?: string | null;
  code?: string | null;
  status?: boolean | string | number | null;
  is_active?: boolean | string | number | null;
  [extra: string]: unknown;
}

// ------------------------------------------------------------------------------------------------------ store

/** `GET /store/info`. */
export interface SallaStoreInfo {
  id?: SallaId | null;
  name?: string | null;
  domain?: string | null;
  /** 'basic' | 'plus' | 'pro' | 'special' */
  plan?: string | null;
  currency?: string | null;
  /** 'live' | 'demo' | 'development' */
  type?: string | null;
  [extra: string]: unknown;
}

// ------------------------------------------------------------------------------------------------ app events

export interface SallaAppInstalled {
  id?: SallaId | null;
  app_scopes?: string[] | null;
  installation_date?: SallaDate | null;
  store_type?: string | null;
  [extra: string]: unknown;
}

/** `app.store.authorize` (easy mode): the store's tokens. */
export interface SallaAppAuthorize {
  access_token?: string | null;
  refresh_token?: string | null;
  /** Absolute unix time (seconds). */
  expires?: number | string | null;
  /** Some sources send a lifetime in seconds instead. */
  expires_in?: number | string | null;
  /** Space-separated ('settings.read offline_access'). */
  scope?: string | string[] | null;
  token_type?: string | null;
  [extra: string]: unknown;
}

export interface SallaAppUninstalled {
  uninstallation_date?: SallaDate | null;
  refunded?: boolean | string | number | null;
  [extra: string]: unknown;
}

export interface SallaAppSettings {
  settings?: Record<string, unknown> | null;
  [extra: string]: unknown;
}
