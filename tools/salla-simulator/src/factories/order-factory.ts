import { sallaDate } from '../salla-dates';
import type {
  DeepPartial,
  SallaCustomer,
  SallaOrder,
  SallaOrderItem,
  SallaOrderShipping,
  SallaOrderStatus,
  SallaOrderSummary,
} from '../salla-types';
import type { StockTarget } from '../store-state';
import { buildCustomer } from './customer-factory';
import { money, round2, storeUrls, VAT_RATE, type FactoryContext } from './factory-context';

/** One line of a new order, naming what was bought by SKU, product id or variant id. */
export interface OrderItemInput {
  sku?: string;
  product_id?: number;
  variant_id?: number;
  quantity?: number;
}

/** A new order: every field is optional; unknown Salla fields are copied onto the order as given. */
export interface OrderInput {
  id?: number;
  reference_id?: number;
  /** A payment method slug, e.g. `cod`, `mada`. */
  payment_method?: string;
  items?: OrderItemInput[];
  /** A status slug (`"completed"`) or a status object with a slug. */
  status?: string | DeepPartial<SallaOrderStatus>;
  /** An existing customer's id reuses that customer; other fields create a new one. */
  customer?: DeepPartial<SallaCustomer>;
  /** Creation instant (what `from_date`/`to_date` filter on); default: the simulator clock. */
  createdAt?: Date | number;
  [field: string]: unknown;
}

export interface BuiltOrder {
  order: SallaOrder;
  createdAt: number;
  /** What each line took from stock, so the caller can decrement it. */
  lines: Array<{ target: StockTarget; quantity: number }>;
}

const SEEDED_STATUS_WEIGHTS: Array<[string, number]> = [
  ['completed', 40],
  ['delivered', 15],
  ['in_progress', 15],
  ['under_review', 15],
  ['shipped', 5],
  ['canceled', 5],
  ['payment_pending', 5],
];

/** A full order as `GET /orders/{id}` returns it (the caller stores it and its customer). */
export function buildOrder(ctx: FactoryContext, input: OrderInput = {}): BuiltOrder {
  const { store } = ctx;
  const { currency } = store.profile;
  const createdAt = input.createdAt === undefined ? ctx.now : new Date(input.createdAt).getTime();
  const id = input.id ?? ctx.ids.take(store.random);
  const lines = resolveLines(ctx, input.items);
  const items = lines.map(({ target, quantity }) => orderItem(ctx, target, quantity));
  const subTotal = round2(items.reduce((sum, item) => sum + item.amounts.total.amount, 0));
  const shipping = pickShipping(ctx);
  const paymentMethod =
    input.payment_method ??
    (store.paymentMethods.size > 0 ? store.random.pick([...store.paymentMethods.values()]).slug : 'mada');
  const shippingCost = shipping ? store.random.pick([0, 15, 25, 30]) : 0;
  const cod = paymentMethod === 'cod' ? 10 : 0;
  const tax = round2((subTotal + shippingCost + cod) * VAT_RATE);
  const customer = pickCustomer(ctx, input.customer);
  const status = resolveStatus(ctx, input.status);

  const { items: _i, status: _s, customer: _c, createdAt: _a, ...plainInput } = input;
  const order: SallaOrder = {
    source: 'store',
    source_device: 'mobile',
    draft: false,
    read: false,
    can_cancel: true,
    can_reorder: true,
    is_pending_payment: status.slug === 'payment_pending',
    pending_payment_ends_at: 0,
    tags: [],
    ...(plainInput as Partial<SallaOrder>),
    id,
    reference_id: input.reference_id ?? store.nextReferenceId++,
    urls: storeUrls(ctx, `order/${id}`, `orders/order/${id}`),
    date: sallaDate(createdAt),
    updated_at: sallaDate(createdAt),
    status,
    payment_method: paymentMethod,
    currency,
    amounts: {
      sub_total: money(subTotal, currency),
      shipping_cost: money(shippingCost, currency),
      cash_on_delivery: money(cod, currency),
      tax: { percent: (VAT_RATE * 100).toFixed(2), amount: money(tax, currency) },
      discounts: [],
      total: money(subTotal + shippingCost + cod + tax, currency),
    },
    shipping: shipping ? shippingFor(ctx, shipping, customer) : null,
    customer,
    items,
  };
  return { order, createdAt, lines };
}

/** What `GET /orders` lists for an order. */
export function orderSummary(order: SallaOrder): SallaOrderSummary {
  const { customer } = order;
  return {
    id: order.id,
    reference_id: order.reference_id,
    total: order.amounts.total,
    date: order.date,
    updated_at: order.updated_at,
    status: order.status,
    payment_method: order.payment_method,
    currency: order.currency,
    can_cancel: order.can_cancel,
    can_reorder: order.can_reorder,
    is_pending_payment: order.is_pending_payment,
    customer: {
      id: customer.id,
      full_name: `${customer.first_name} ${customer.last_name}`,
      first_name: customer.first_name,
      last_name: customer.last_name,
      mobile: customer.mobile,
      email: customer.email,
    },
    items: order.items.map((item) => ({
      name: item.name,
      quantity: item.quantity,
      thumbnail: item.product.thumbnail,
    })),
  };
}

function resolveLines(ctx: FactoryContext, items: OrderItemInput[] | undefined): BuiltOrder['lines'] {
  const { store } = ctx;
  if (items) {
    return items.map((item) => ({ target: resolveTarget(ctx, item), quantity: item.quantity ?? 1 }));
  }
  const products = [...store.products.values()];
  if (products.length === 0)
    throw new Error(`store ${store.id} has no products to order; seed products first`);
  const count = store.random.int(1, Math.min(3, products.length));
  const chosen = new Set<number>();
  const lines: BuiltOrder['lines'] = [];
  while (lines.length < count) {
    const product = store.random.pick(products);
    if (chosen.has(product.id)) continue;
    chosen.add(product.id);
    const variant = product.skus.length > 0 ? store.random.pick(product.skus) : undefined;
    lines.push({
      target: { product, variant },
      quantity: store.random.chance(0.8) ? 1 : store.random.int(2, 4),
    });
  }
  return lines;
}

function resolveTarget(ctx: FactoryContext, item: OrderItemInput): StockTarget {
  const { store } = ctx;
  const target =
    item.variant_id !== undefined
      ? store.byVariantId(item.variant_id)
      : item.sku !== undefined
        ? store.bySku(item.sku)
        : item.product_id !== undefined
          ? productTarget(ctx, item.product_id)
          : undefined;
  if (!target) throw new Error(`order item ${JSON.stringify(item)} names nothing in store ${store.id}`);
  return target;
}

function productTarget(ctx: FactoryContext, productId: number): StockTarget | undefined {
  const product = ctx.store.products.get(productId);
  if (!product) return undefined;
  if (product.skus.length > 0) {
    throw new Error(`product ${productId} has variants: order one by sku or variant_id`);
  }
  return { product };
}

function orderItem(ctx: FactoryContext, { product, variant }: StockTarget, quantity: number): SallaOrderItem {
  const { currency } = ctx.store.profile;
  const unit = variant ?? product;
  const unitPrice = unit.sale_price.amount > 0 ? unit.sale_price.amount : unit.price.amount;
  const lineTotal = round2(unitPrice * quantity);
  const chosen = product.options.flatMap((option) =>
    option.values
      .filter((value) => variant?.related_option_values.includes(value.id))
      .map((value) => ({
        id: ctx.ids.take(ctx.store.random),
        product_option_id: option.id,
        name: option.name,
        type: option.type,
        value: { id: value.id, name: value.name, price: value.price },
      })),
  );
  return {
    id: ctx.ids.take(ctx.store.random),
    name: product.name,
    sku: variant?.sku ?? product.sku,
    quantity,
    currency,
    weight: variant?.weight ?? product.weight,
    amounts: {
      price_without_tax: money(unitPrice, currency),
      total_discount: money(0, currency),
      tax: { percent: (VAT_RATE * 100).toFixed(2), amount: money(lineTotal * VAT_RATE, currency) },
      total: money(lineTotal, currency),
    },
    notes: '',
    product: {
      id: product.id,
      type: product.type,
      status: product.status,
      is_available: product.is_available,
      sku: product.sku,
      name: product.name,
      price: product.price,
      sale_price: product.sale_price,
      currency,
      url: product.urls.customer,
      thumbnail: product.main_image,
    },
    product_sku_id: variant?.id ?? null,
    options: chosen,
    images: [],
    codes: [],
    files: [],
  };
}

function pickCustomer(ctx: FactoryContext, input: DeepPartial<SallaCustomer> | undefined): SallaCustomer {
  const { store } = ctx;
  const existing = input?.id !== undefined ? store.customers.get(input.id) : undefined;
  if (existing) return existing;
  if (!input && store.customers.size > 0 && store.random.chance(0.35)) {
    return store.random.pick([...store.customers.values()]); // returning customers
  }
  return buildCustomer(ctx, input);
}

function resolveStatus(ctx: FactoryContext, input: OrderInput['status']): SallaOrderStatus {
  const { store } = ctx;
  const slug = typeof input === 'string' ? input : (input?.slug ?? weightedSlug(ctx));
  const status = store.statusBySlug(slug);
  if (!status) throw new Error(`unknown order status "${slug}"`);
  return { ...status };
}

function weightedSlug(ctx: FactoryContext): string {
  let roll = ctx.store.random.int(1, 100);
  for (const [slug, weight] of SEEDED_STATUS_WEIGHTS) {
    roll -= weight;
    if (roll <= 0) return slug;
  }
  return 'completed';
}

function pickShipping(ctx: FactoryContext) {
  const companies = [...ctx.store.shippingCompanies.values()];
  return companies.length > 0 ? ctx.store.random.pick(companies) : undefined;
}

function shippingFor(
  ctx: FactoryContext,
  company: { id: number; name: string; logo: string; app_id: string | null },
  customer: SallaCustomer,
): SallaOrderShipping {
  const { profile } = ctx.store;
  return {
    id: company.id,
    app_id: company.app_id,
    company: company.name,
    logo: company.logo,
    receiver: {
      name: `${customer.first_name} ${customer.last_name}`,
      email: customer.email,
      phone: `966${customer.mobile}`,
    },
    shipper: {
      name: profile.name,
      company_name: profile.name,
      email: `store${profile.id}@example.test`,
      phone: '966500000000',
    },
    pickup_address: { country: 'السعودية', country_code: 'SA', city: 'الرياض' },
    address: {
      country: 'SA',
      country_code: 'SA',
      city: customer.city,
      shipping_address: `شارع ${ctx.store.random.int(1, 90)}, ${customer.city}, السعودية`,
      postal_code: String(ctx.store.random.int(11_000, 34_999)),
    },
    shipment: { id: '0', pickup_id: null, tracking_link: '0', label: [] },
    policy_options: [],
  };
}
