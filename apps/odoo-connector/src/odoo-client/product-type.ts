/**
 * The product "type" is the one field whose shape changed between supported versions:
 *
 * | Odoo   | storable (tracked stock)                         | consumable                           | service                                 |
 * | ------ | ------------------------------------------------ | ------------------------------------ | --------------------------------------- |
 * | 16, 17 | `detailed_type: 'product'` (and `type` likewise) | `detailed_type: 'consu'`, `type` too | `detailed_type: 'service'`, `type` too  |
 * | 18+    | `type: 'consu', is_storable: true`               | `type: 'consu', is_storable: false`  | `type: 'service'`                       |
 *
 * In 16/17 `detailed_type` is what the UI edits and `type` is computed from it; writing both keeps them in
 * agreement whatever the server does. In 18+ `type: 'product'` is a ValueError and `detailed_type` is gone.
 */
export type ProductKind = 'storable' | 'consumable' | 'service';

const IS_STORABLE_SINCE = 18;

type Version = number | { major: number };

const majorOf = (version: Version): number => (typeof version === 'number' ? version : version.major);

/** The fields to put in a `product.template` / `product.product` create or write for this kind. */
export function productTypeFields(version: Version, kind: ProductKind): Record<string, string | boolean> {
  if (majorOf(version) >= IS_STORABLE_SINCE) {
    if (kind === 'service') return { type: 'service' };
    return { type: 'consu', is_storable: kind === 'storable' };
  }
  const legacy = { storable: 'product', consumable: 'consu', service: 'service' }[kind];
  return { type: legacy, detailed_type: legacy };
}

/** The fields to read to tell the kind back (`productKindOf`). */
export function productTypeReadFields(version: Version): string[] {
  return majorOf(version) >= IS_STORABLE_SINCE ? ['type', 'is_storable'] : ['type'];
}

/** The kind of a product read with `productTypeReadFields`. */
export function productKindOf(
  version: Version,
  record: { type?: unknown; is_storable?: unknown },
): ProductKind {
  if (record.type === 'service') return 'service';
  if (majorOf(version) >= IS_STORABLE_SINCE) return record.is_storable === true ? 'storable' : 'consumable';
  return record.type === 'product' ? 'storable' : 'consumable';
}
