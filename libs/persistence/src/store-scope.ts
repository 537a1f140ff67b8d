import type { FilterQuery, UpdateQuery } from 'mongoose';

import { MissingStoreScopeError, StoreScopeViolationError } from './errors';

/** Every document of a store-scoped collection carries the Salla merchant id it belongs to. */
export interface StoreScoped {
  storeId: string;
}

/**
 * A filter that cannot be written without a store id: `{ orderId: '1' }` does not compile as a
 * `StoreFilter<Order>`, `{ storeId, orderId: '1' }` does.
 */
export type StoreFilter<T> = FilterQuery<T> & { storeId: string };

/** Throws `MissingStoreScopeError` unless `storeId` is a non-blank string; narrows it otherwise. */
export function assertStoreId(storeId: unknown, operation: string): asserts storeId is string {
  if (typeof storeId !== 'string' || storeId.trim() === '')
    throw new MissingStoreScopeError(operation, storeId);
}

/**
 * Pins `filter` to one store. A `storeId` already in the filter must be that same plain string: an operator
 * (`{ $in: [...] }`, `{ $ne: ... }`) or another store's id would widen the query, so it is refused.
 */
export function scopeFilter<T>(
  storeId: unknown,
  filter: FilterQuery<T> | undefined,
  operation: string,
): StoreFilter<T> {
  assertStoreId(storeId, operation);
  if (filter !== undefined && (filter === null || typeof filter !== 'object' || Array.isArray(filter))) {
    throw new StoreScopeViolationError(operation, 'the filter must be a plain object');
  }
  const given: unknown = filter ? (filter as Record<string, unknown>).storeId : undefined;
  if (given !== undefined && given !== storeId) {
    throw new StoreScopeViolationError(
      operation,
      `the filter names storeId ${JSON.stringify(given)} but the operation is scoped to ${JSON.stringify(storeId)}`,
    );
  }
  return { ...(filter ?? {}), storeId };
}

const SETTERS = new Set(['$set', '$setOnInsert']);

/**
 * Refuses an update that would move a document to another store or strip its store id: `storeId` may only be
 * (re)set to the scoped value. Aggregation-pipeline updates are refused outright (not inspectable, and not
 * supported by FerretDB).
 */
export function assertUpdateKeepsScope<T>(storeId: string, update: UpdateQuery<T>, operation: string): void {
  if (update === null || typeof update !== 'object' || Array.isArray(update)) {
    throw new StoreScopeViolationError(
      operation,
      'the update must be a plain object (pipeline updates are not supported)',
    );
  }
  for (const [key, value] of Object.entries(update)) {
    if (key === 'storeId') {
      if (value !== storeId) throw new StoreScopeViolationError(operation, 'the update would change storeId');
      continue;
    }
    if (!key.startsWith('$') || value === null || typeof value !== 'object') continue;
    if (!Object.prototype.hasOwnProperty.call(value, 'storeId')) continue;
    const target = (value as Record<string, unknown>).storeId;
    if (!SETTERS.has(key) || target !== storeId) {
      throw new StoreScopeViolationError(operation, `the update's ${key} would change or remove storeId`);
    }
  }
}
