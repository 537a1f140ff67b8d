import { OPTION_SETS, PRODUCT_ADJECTIVES, PRODUCT_NOUNS } from '../catalogue/word-lists';
import { riyadhTimestamp } from '../salla-dates';
import type {
  DeepPartial,
  SallaMoney,
  SallaOptionValue,
  SallaProduct,
  SallaProductOption,
  SallaSku,
} from '../salla-types';
import { ean13 } from './barcode';
import { categoryRef } from './category-factory';
import { money, round2, shelfPrice, storeUrls, VAT_RATE, type FactoryContext } from './factory-context';

export type ProductInput = DeepPartial<SallaProduct>;

export interface ProductShape {
  /** Variants to generate when `input.skus` is not given (0 = a simple product). */
  variants?: number;
}

/**
 * A full product as `GET /products/{id}` returns it. Fields in `input` win; everything else is generated from
 * the store's random stream. Prices are numbers in the store currency, before VAT, like Salla's `price.amount`.
 */
export function buildProduct(
  ctx: FactoryContext,
  input: ProductInput = {},
  shape: ProductShape = {},
): SallaProduct {
  const { store } = ctx;
  const { currency } = store.profile;
  const seq = ++store.productSeq;
  const id = input.id ?? ctx.ids.take(store.random);
  const sku = input.sku ?? `SKU-${String(seq).padStart(5, '0')}`;
  const price = input.price?.amount ?? shelfPrice(ctx, 15, 900);
  // A price given by the caller is the price charged: no generated sale on top of it.
  const generatedSale = input.price === undefined && store.random.chance(0.25) ? round2(price * 0.8) : 0;
  const onSale = input.sale_price?.amount ?? generatedSale;
  const options = input.options
    ? input.options.map((o) => fillOption(ctx, o ?? {}))
    : generateOptions(ctx, shape.variants ?? 0);
  const skus = input.skus
    ? input.skus.map((v, i) => fillVariant(ctx, v ?? {}, `${sku}-${i + 1}`, price, []))
    : generateVariants(ctx, options, shape.variants ?? 0, sku, price);
  const simpleStock = input.quantity ?? (store.random.chance(0.1) ? 0 : store.random.int(1, 250));
  const quantity = skus.length > 0 ? skus.reduce((sum, v) => sum + v.stock_quantity, 0) : simpleStock;
  const categories = pickCategories(ctx, input);
  const name = input.name ?? `${store.random.pick(PRODUCT_NOUNS)} ${store.random.pick(PRODUCT_ADJECTIVES)}`;
  const unlimited = input.unlimited_quantity ?? false;

  const { skus: _s, options: _o, categories: _c, ...plainInput } = input;
  return {
    mpn: null,
    gtin: null,
    type: 'product',
    description: `<p>${name}</p>`,
    promotion: { title: null, sub_title: null },
    cost_price: null,
    sale_end: null,
    status: 'sale',
    sold_quantity: store.random.int(0, 400),
    require_shipping: true,
    weight: round2(store.random.int(1, 40) / 10),
    weight_type: 'kg',
    with_tax: true,
    main_image: `https://cdn.salla.sa/sim/${id}.jpg`,
    images: [],
    managed_by_branches: false,
    max_items_per_user: 0,
    maximum_quantity_per_order: null,
    hide_quantity: false,
    customized_sku_quantity: false,
    channels: ['app', 'web'],
    brand: null,
    tags: [],
    updated_at: riyadhTimestamp(ctx.now),
    ...(plainInput as Partial<SallaProduct>),
    id,
    sku,
    name,
    urls: storeUrls(ctx, `p${id}`, `products/${id}`),
    price: money(price, currency),
    regular_price: money(price, currency),
    pre_tax_price: money(price, currency),
    taxed_price: money(price * (1 + VAT_RATE), currency),
    tax: money(price * VAT_RATE, currency),
    sale_price: money(onSale, currency),
    quantity,
    unlimited_quantity: unlimited,
    is_available: unlimited || quantity > 0,
    options,
    skus,
    categories,
  };
}

function pickCategories(ctx: FactoryContext, input: ProductInput): SallaProduct['categories'] {
  const { store } = ctx;
  if (input.categories) {
    return input.categories.map((c) => {
      const known = c?.id !== undefined ? store.categories.get(c.id) : undefined;
      if (!known) throw new Error(`category ${String(c?.id)} does not exist in store ${store.id}`);
      return categoryRef(known);
    });
  }
  const all = [...store.categories.values()];
  if (all.length === 0) return [];
  const first = store.random.pick(all);
  const second = store.random.chance(0.3) ? store.random.pick(all) : first;
  return [...new Set([first, second])].map(categoryRef);
}

function generateOptions(ctx: FactoryContext, variants: number): SallaProductOption[] {
  if (variants <= 0) return [];
  const [sizes, colours] = OPTION_SETS;
  if (variants <= sizes.values.length) return [makeOption(ctx, sizes, variants)];
  const colourCount = Math.min(colours.values.length, Math.ceil(variants / sizes.values.length));
  if (variants > sizes.values.length * colours.values.length) {
    throw new Error(`at most ${sizes.values.length * colours.values.length} variants per product`);
  }
  return [makeOption(ctx, sizes, sizes.values.length), makeOption(ctx, colours, colourCount)];
}

function makeOption(
  ctx: FactoryContext,
  set: (typeof OPTION_SETS)[number],
  count: number,
): SallaProductOption {
  const optionId = ctx.ids.take(ctx.store.random);
  return {
    id: optionId,
    name: set.name,
    description: null,
    type: 'radio',
    required: true,
    associated_with_order_time: 0,
    display_type: set.displayType,
    values: set.values.slice(0, count).map((name, i) => optionValue(ctx, optionId, name, i === 0)),
  };
}

function optionValue(
  ctx: FactoryContext,
  optionId: number,
  name: string,
  isDefault: boolean,
): SallaOptionValue {
  return {
    id: ctx.ids.take(ctx.store.random),
    name,
    price: money(0, ctx.store.profile.currency),
    display_value: name,
    option_id: optionId,
    is_default: isDefault,
    is_out_of_stock: false,
  };
}

function fillOption(ctx: FactoryContext, input: DeepPartial<SallaProductOption>): SallaProductOption {
  const id = input.id ?? ctx.ids.take(ctx.store.random);
  const { values, ...rest } = input;
  return {
    description: null,
    type: 'radio',
    required: true,
    display_type: 'text',
    ...(rest as Partial<SallaProductOption>),
    id,
    name: input.name ?? 'الخيار',
    values: (values ?? []).map((v, i) => ({
      ...optionValue(ctx, id, v?.name ?? `قيمة ${i + 1}`, i === 0),
      ...(v as Partial<SallaOptionValue>),
      price: money(v?.price?.amount ?? 0, ctx.store.profile.currency),
    })),
  };
}

/** Variants are the first `count` combinations of the option values (sizes vary fastest). */
function generateVariants(
  ctx: FactoryContext,
  options: SallaProductOption[],
  count: number,
  productSku: string,
  price: number,
): SallaSku[] {
  if (count <= 0) return [];
  const [first, second] = options;
  const combos: SallaOptionValue[][] = [];
  for (const b of second?.values ?? [undefined]) {
    for (const a of first.values) combos.push(b ? [a, b] : [a]);
  }
  return combos.slice(0, count).map((values, i) => {
    const suffix = values.map((v) => v.display_value).join('-');
    const sku = `${productSku}-${/^[\x20-\x7e]+$/.test(suffix) ? suffix : String(i + 1)}`;
    return fillVariant(
      ctx,
      {},
      sku,
      price,
      values.map((v) => v.id),
      i === 0,
    );
  });
}

function fillVariant(
  ctx: FactoryContext,
  input: DeepPartial<SallaSku>,
  defaultSku: string,
  productPrice: number,
  optionValueIds: number[],
  isDefault = false,
): SallaSku {
  const { store } = ctx;
  const { currency } = store.profile;
  const price = input.price?.amount ?? productPrice;
  const sale = input.sale_price?.amount ?? 0;
  const costOf = (m: DeepPartial<SallaMoney> | undefined, fallback: number) =>
    money(m?.amount ?? fallback, currency);
  return {
    mpn: '',
    gtin: '',
    has_special_price: sale > 0,
    unlimited_quantity: false,
    notify_low: null,
    weight: 0.5,
    weight_type: 'kg',
    is_default: isDefault,
    ...(input as Partial<SallaSku>),
    id: input.id ?? ctx.ids.take(store.random),
    sku: input.sku ?? defaultSku,
    barcode: input.barcode ?? ean13(store.random),
    price: money(price, currency),
    regular_price: money(price, currency),
    sale_price: money(sale, currency),
    cost_price: costOf(input.cost_price, round2(price * 0.55)),
    stock_quantity: input.stock_quantity ?? (store.random.chance(0.1) ? 0 : store.random.int(1, 60)),
    related_option_values: input.related_option_values ?? optionValueIds,
  };
}
