import { AsyncLocalStorage } from 'node:async_hooks';

import { trace } from '@opentelemetry/api';

interface StoreContext {
  readonly storeId: string;
}

const storage = new AsyncLocalStorage<StoreContext>();

/**
 * Runs `fn` with `storeId` as the current tenant: every log line written inside it (including from
 * awaited callbacks) carries `storeId`, and the active span gets a `salla.store_id` attribute.
 * Returns whatever `fn` returns, so `await withStoreContext(id, () => handle(event))` works.
 */
export function withStoreContext<T>(storeId: string | number, fn: () => T): T {
  const id = String(storeId);
  trace.getActiveSpan()?.setAttribute('salla.store_id', id);
  return storage.run({ storeId: id }, fn);
}

/** The store id set by the nearest enclosing {@link withStoreContext}, if any. */
export function currentStoreId(): string | undefined {
  return storage.getStore()?.storeId;
}
