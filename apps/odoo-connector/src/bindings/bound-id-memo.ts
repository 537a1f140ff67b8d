import type { BindingKind } from './odoo-bindings';

/**
 * Binding kinds whose Odoo id, once bound, never changes. Product and variant bindings are left out: a SKU tie
 * drops a product's binding and a variant's changed options re-point it, and another replica's memory would
 * not hear of it. A record deleted in Odoo is different: Odoo refuses the stale id, and the sync runner
 * forgets it and reads the binding from Odoo again (`OdooBindings.noting`).
 */
const STABLE_KINDS: ReadonlySet<string> = new Set<BindingKind>([
  'category',
  'sku',
  'customer',
  'address',
  'order',
  'carrier',
  'payment',
  'line_product',
  'invoice',
  'attribute',
  'attribute_value',
  'attribute_line',
  'refund',
  'refund_payment',
]);

interface Entry {
  storeId: string;
  odoo: string;
  resId: number;
  until: number;
}

/**
 * This process's memory of bound Odoo ids, in front of the local binding cache's Mongo reads: an order reads
 * the same customer, SKU, service product and carrier bindings as the order before it. Bounded in size and
 * age (`ttlMs`): an entry outlives neither a restart nor a few minutes, so what another replica forgot is
 * forgotten here soon after too.
 */
export class BoundIdMemo {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get(storeId: string, odoo: string, name: string): number | null {
    const hit = this.entries.get(name);
    if (!hit) return null;
    if (hit.until <= Date.now()) {
      this.entries.delete(name);
      return null;
    }
    return hit.storeId === storeId && hit.odoo === odoo ? hit.resId : null;
  }

  keep(kind: string, storeId: string, odoo: string, name: string, resId: number): void {
    if (!STABLE_KINDS.has(kind) || resId <= 0) return;
    this.entries.delete(name); // re-inserted last: the oldest entry is the first one out
    this.entries.set(name, { storeId, odoo, resId, until: Date.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(name: string): void {
    this.entries.delete(name);
  }
}
