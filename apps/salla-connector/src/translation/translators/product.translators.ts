import { type ProductDeleted, Topic } from '@app/contracts';

import { inventoryLevelsOf } from '../inventory-levels';
import { mapProduct } from '../map-product';
import { MalformedSallaResourceError } from '../malformed-resource.error';
import type { SallaProduct } from '../salla-resources';
import { idOf, textOf, withoutUndefined } from '../salla-values';
import {
  emission,
  emitted,
  skipped,
  syncTranslator,
  type TranslationDeps,
  type TranslationInput,
  type Translator,
} from '../translation.types';

/** Enough of a product to map without asking Salla: the fields `product.created` carries and partial events lack. */
function isWholeProduct(p: SallaProduct): boolean {
  return (
    idOf(p.id) !== undefined &&
    textOf(p.name, 512) !== undefined &&
    p.price !== undefined &&
    p.price !== null &&
    typeof p.status === 'string' &&
    Array.isArray(p.skus)
  );
}

/**
 * The whole product behind a webhook: its own data when complete, otherwise `GET /products/{id}`.
 * `always` re-reads even a complete-looking body: events such as `product.price.updated` carry a different
 * shape (bare-number prices, no currency) that must not be mistaken for the product.
 */
async function wholeProduct(
  input: TranslationInput,
  deps: TranslationDeps,
  reRead: 'if-partial' | 'always',
): Promise<SallaProduct> {
  const data = input.data as SallaProduct;
  if (reRead === 'if-partial' && isWholeProduct(data)) return data;
  const id = idOf(data.id);
  if (id === undefined) throw new MalformedSallaResourceError(input.event, 'data.id', 'is missing');
  return deps.reader.product(input.storeId, id);
}

/** `product.created` / `updated` / `available` (whole product in data) and the partial change events (re-read). */
export function productUpserted(reRead: 'if-partial' | 'always'): Translator {
  return async (input, deps) => {
    const product = await wholeProduct(input, deps, reRead);
    const fallbackCurrency = await deps.fallbackCurrency(input.storeId);
    return emitted(emission(Topic.CatalogProductUpserted, mapProduct(product, { fallbackCurrency })));
  };
}

/** `product.deleted`: the product is gone at the source (Odoo archives it; orders still refer to it). */
export const productDeleted: Translator = syncTranslator((input) => {
  const data = input.data as SallaProduct;
  const productId = idOf(data.id);
  if (productId === undefined) throw new MalformedSallaResourceError(input.event, 'data.id', 'is missing');
  const payload: ProductDeleted = withoutUndefined({
    source: 'salla',
    productId,
    sku: textOf(data.sku, 128),
  });
  return emitted(emission(Topic.CatalogProductDeleted, payload));
});

/**
 * `product.quantity.low`: the product's stock as Salla counts it now, one level per stock item (each variant,
 * or the product). Salla has no stock-changed event; this is the one webhook that states a quantity.
 */
export const productQuantityLow: Translator = async (input, deps) => {
  const product = await wholeProduct(input, deps, 'if-partial');
  const fallbackCurrency = await deps.fallbackCurrency(input.storeId);
  const levels = inventoryLevelsOf(mapProduct(product, { fallbackCurrency }), input.createdAtUtc);
  if (levels.length === 0) return skipped('stock is not tracked for this product');
  return emitted(...levels.map((level) => emission(Topic.InventoryLevelChanged, level)));
};
