import { validationError } from '../http/envelope';
import type { StockTarget, StoreState } from '../store-state';

export type IdentifierType = 'id' | 'variant_id' | 'sku';
export type QuantityMode = 'overwrite' | 'increment' | 'decrement';

/** One line of `POST /products/quantities/bulk` — Salla really spells it `identifer`. */
export interface BulkQuantityLine {
  identifer_type: IdentifierType;
  identifer: string | number;
  quantity: number;
  mode?: QuantityMode;
  branch?: string | number;
}

export interface ResolvedLine {
  target: StockTarget;
  quantity: number;
  mode: QuantityMode;
}

const TYPES: readonly string[] = ['id', 'variant_id', 'sku'];
const MODES: readonly string[] = ['overwrite', 'increment', 'decrement'];

/**
 * Validates the whole request before anything is queued: one bad line refuses all of it (422 with
 * `fields` keyed `products.<index>.<field>`), so a partial apply never happens.
 */
export function resolveBulkLines(store: StoreState, body: unknown): ResolvedLine[] {
  const products = (body as { products?: unknown } | null)?.products;
  if (!Array.isArray(products) || products.length === 0) {
    throw validationError({ products: ['The products field is required and must be a non-empty list.'] });
  }
  const fields: Record<string, string[]> = {};
  const resolved: ResolvedLine[] = [];
  products.forEach((raw: unknown, index) => {
    const at = (field: string, message: string) => {
      fields[`products.${index}.${field}`] = [message];
    };
    const line = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<BulkQuantityLine>;
    const mode = line.mode ?? 'overwrite';
    if (!TYPES.includes(String(line.identifer_type)))
      at('identifer_type', 'The selected identifer type is invalid.');
    if (!MODES.includes(mode)) at('mode', 'The selected mode is invalid.');
    if (typeof line.quantity !== 'number' || !Number.isInteger(line.quantity) || line.quantity < 0) {
      at('quantity', 'The quantity must be an integer of at least 0.');
    }
    if (line.identifer === undefined || line.identifer === null || line.identifer === '') {
      at('identifer', 'The identifer field is required.');
      return;
    }
    if (!TYPES.includes(String(line.identifer_type))) return;
    const target = findTarget(store, line.identifer_type as IdentifierType, line.identifer);
    if (target === 'has-variants') {
      at('identifer', 'The product has variants: set their quantities by variant_id or sku.');
    } else if (!target) {
      at('identifer', 'The selected identifer is invalid.');
    } else if (typeof line.quantity === 'number') {
      resolved.push({ target, quantity: line.quantity, mode });
    }
  });
  if (Object.keys(fields).length > 0) throw validationError(fields);
  return resolved;
}

export function applyBulkLines(store: StoreState, lines: readonly ResolvedLine[]): void {
  for (const { target, quantity, mode } of lines) {
    const current = store.stockOf(target);
    const next =
      mode === 'overwrite' ? quantity : mode === 'increment' ? current + quantity : current - quantity;
    store.setStock(target, next); // Salla does not go below zero
  }
}

function findTarget(
  store: StoreState,
  type: IdentifierType,
  identifier: string | number,
): StockTarget | 'has-variants' | undefined {
  if (type === 'sku') return store.bySku(String(identifier));
  const id = Number(identifier);
  if (!Number.isInteger(id)) return undefined;
  if (type === 'variant_id') return store.byVariantId(id);
  const product = store.products.get(id);
  if (!product) return undefined;
  return product.skus.length > 0 ? 'has-variants' : { product };
}
