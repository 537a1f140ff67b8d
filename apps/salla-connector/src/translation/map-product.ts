import type {
  ProductKind,
  ProductOption,
  ProductUpserted,
  ProductVariant,
  VariantOptionValue,
} from '@app/contracts';

import { ResourceLabel } from './malformed-resource.error';
import { amountOf, currencyOfMoney, formatAmount, positiveAmount, readAmount } from './salla-money';
import type { SallaProduct, SallaProductOption, SallaProductSku } from './salla-resources';
import { sallaTimeToUtc } from './salla-time';
import {
  arrayOf,
  booleanOf,
  currencyCodeOf,
  idOf,
  integerOf,
  isRecord,
  recordsOf,
  textOf,
  withoutUndefined,
} from './salla-values';

export interface MapProductOptions {
  /** The store's currency, for products whose prices name none (bare numbers). */
  fallbackCurrency: string;
}

/**
 * Salla's product `type` → what kind of thing is sold (decides Odoo storable / service / consumable). Unknown
 * types count as physical goods: that is Salla's default type, and the source type travels along in
 * `sourceType` for merchants who map it differently.
 */
export const PRODUCT_KIND_OF_SALLA_TYPE: ReadonlyMap<string, ProductKind> = new Map<string, ProductKind>([
  ['product', 'physical'],
  ['food', 'physical'],
  ['group_products', 'physical'],
  ['service', 'service'],
  ['booking', 'service'],
  ['donating', 'service'],
  ['digital', 'digital'],
  ['codes', 'digital'],
]);

/**
 * Statuses under which customers can see the product. 'out' is Salla's "sold out": still listed and waiting
 * for stock, so it stays active (archiving it in Odoo would hide it from the very restock that brings it back).
 */
const VISIBLE_STATUSES = new Set(['sale', 'out']);

/** Salla `weight_type` → kilograms per unit; null / absent means kilograms. */
const KILOGRAMS_PER: ReadonlyMap<string, number> = new Map([
  ['kg', 1],
  ['g', 0.001],
  ['lb', 0.45359237],
  ['oz', 0.028349523125],
]);

function weightKgOf(weight: unknown, unit: unknown): string | undefined {
  const value = typeof weight === 'string' ? Number(weight) : weight;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  const factor = KILOGRAMS_PER.get(
    typeof unit === 'string' && unit.trim() !== '' ? unit.trim().toLowerCase() : 'kg',
  );
  if (factor === undefined) return undefined; // an unknown unit is not guessed
  const micros = amountOf(value * factor);
  return micros === undefined || micros <= 0n ? undefined : formatAmount(micros);
}

/** Sellable quantity, never negative (Salla cannot hold negative stock; an oversold count is 0). */
function quantityOf(value: unknown): number | undefined {
  const n = integerOf(value);
  return n === undefined ? undefined : Math.max(0, n);
}

interface OptionValueName {
  option: string;
  value: string;
}

function optionsOf(options: readonly SallaProductOption[]): {
  options: ProductOption[];
  valueNames: Map<string, OptionValueName>;
} {
  const valueNames = new Map<string, OptionValueName>();
  const mapped: ProductOption[] = [];
  for (const option of options) {
    const name = textOf(option.name, 256);
    if (name === undefined) continue;
    const values = recordsOf(option.values).flatMap((v) => {
      const valueName = textOf(v.name, 256);
      if (valueName === undefined) return [];
      const id = idOf(v.id);
      if (id !== undefined) valueNames.set(id, { option: name, value: valueName });
      return [withoutUndefined({ id, name: valueName })];
    });
    mapped.push(withoutUndefined({ id: idOf(option.id), name, values }));
  }
  return { options: mapped, valueNames };
}

function variantOf(
  sku: SallaProductSku,
  index: number,
  ctx: { label: ResourceLabel; price: string; tracks: boolean; valueNames: Map<string, OptionValueName> },
): ProductVariant {
  const field = (name: string): string => `skus[${index}].${name}`;
  const variantId = idOf(sku.id);
  if (variantId === undefined) throw ctx.label.malformed(field('id'), 'is missing');
  const price =
    readAmount(ctx.label, field('price'), sku.price) ??
    readAmount(ctx.label, field('regular_price'), sku.regular_price);
  const options: VariantOptionValue[] = arrayOf(sku.related_option_values).flatMap((valueId) => {
    const known = ctx.valueNames.get(idOf(valueId) ?? '');
    return known === undefined ? [] : [known];
  });
  return withoutUndefined({
    variantId,
    sku: textOf(sku.sku, 128),
    barcode: textOf(sku.barcode, 128) ?? textOf(sku.gtin, 128),
    // A variant without its own price sells at the product's price.
    price: price === undefined ? ctx.price : formatAmount(price),
    salePrice: positiveAmount(ctx.label, field('sale_price'), sku.sale_price),
    quantity:
      ctx.tracks && booleanOf(sku.unlimited_quantity) !== true ? quantityOf(sku.stock_quantity) : undefined,
    options,
  });
}

function categoryIdsOf(categories: unknown): string[] {
  const ids = arrayOf(categories).map((c) => idOf(isRecord(c) ? c.id : c));
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/**
 * `catalog.product.upserted.v1` from a whole Salla product (webhook `product.created` data or
 * `GET /products/{id}`): kind from `type`, stock tracking from `unlimited_quantity` / quantities, visibility
 * from `status`, one variant per `skus` entry with its option values resolved to names.
 */
export function mapProduct(p: SallaProduct, { fallbackCurrency }: MapProductOptions): ProductUpserted {
  const productId = idOf(p.id);
  const label = ResourceLabel.of('product', productId);
  if (productId === undefined) throw label.malformed('id', 'is missing');
  const name = textOf(p.name, 512);
  if (name === undefined) throw label.malformed('name', 'is missing');
  const priceAmount =
    readAmount(label, 'price', p.price) ?? readAmount(label, 'regular_price', p.regular_price);
  if (priceAmount === undefined) throw label.malformed('price', 'is missing');
  const currency =
    currencyCodeOf(p.currency) ??
    currencyCodeOf(currencyOfMoney(p.price)) ??
    currencyCodeOf(fallbackCurrency);
  if (currency === undefined) throw label.malformed('currency', 'is missing and the store has no currency');

  const skus = recordsOf(p.skus) as SallaProductSku[];
  const type = textOf(p.type, 64);
  const tracksInventory =
    booleanOf(p.unlimited_quantity) !== true &&
    (integerOf(p.quantity) !== undefined || skus.some((s) => integerOf(s.stock_quantity) !== undefined));
  const price = formatAmount(priceAmount);
  const { options, valueNames } = optionsOf(recordsOf(p.options));
  const variants = skus.map((sku, i) =>
    variantOf(sku, i, { label, price, tracks: tracksInventory, valueNames }),
  );
  const status = typeof p.status === 'string' ? p.status.trim().toLowerCase() : undefined;

  return withoutUndefined({
    source: 'salla',
    productId,
    name,
    sku: textOf(p.sku, 128),
    barcode: textOf(p.barcode, 128) ?? textOf(p.gtin, 128),
    kind: (type !== undefined ? PRODUCT_KIND_OF_SALLA_TYPE.get(type.toLowerCase()) : undefined) ?? 'physical',
    sourceType: type,
    tracksInventory,
    isActive: status !== undefined && VISIBLE_STATUSES.has(status),
    currency,
    price,
    salePrice: positiveAmount(label, 'sale_price', p.sale_price),
    // Salla's 0 / null cost means "not entered": writing 0 would wipe the cost Odoo keeps from purchases.
    costPrice: positiveAmount(label, 'cost_price', p.cost_price ?? p.cost),
    quantity: tracksInventory && variants.length === 0 ? quantityOf(p.quantity) : undefined,
    weightKg: weightKgOf(p.weight, p.weight_type),
    description: textOf(p.description, 20000),
    categoryIds: categoryIdsOf(p.categories),
    options,
    variants,
    sourceUpdatedAt: sallaTimeToUtc(p.updated_at),
  });
}
