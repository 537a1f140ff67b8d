import type { InventoryLevelChanged, ProductUpserted } from '@app/contracts';

import { withoutUndefined } from './salla-values';

/**
 * The stock levels a mapped product states, one per stock item: each variant (keyed by its variant id) for a
 * product with variants, else the product itself (keyed by product id). Always the same key for the same
 * item, so its changes stay ordered. Nothing for a product whose stock is not tracked, or items whose
 * quantity Salla did not give.
 */
export function inventoryLevelsOf(product: ProductUpserted, observedAt: string): InventoryLevelChanged[] {
  if (!product.tracksInventory) return [];
  if (product.variants.length === 0) {
    if (product.quantity === undefined) return [];
    return [
      withoutUndefined({
        source: 'salla',
        productId: product.productId,
        sku: product.sku,
        quantity: product.quantity,
        observedAt,
      }),
    ];
  }
  return product.variants.flatMap((variant) =>
    variant.quantity === undefined
      ? []
      : [
          withoutUndefined({
            source: 'salla' as const,
            productId: product.productId,
            variantId: variant.variantId,
            sku: variant.sku,
            quantity: variant.quantity,
            observedAt,
          }),
        ],
  );
}
