import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const SALLA_STOCK_LEDGER_MODEL = 'OdooSallaStockLedger';

/**
 * The last quantity known on the Salla side for one SKU of a store: what Salla reported
 * (`inventory.level.changed.v1` from Salla) or what we told Salla to set. The poll emits a SKU only when
 * Odoo's quantity differs from it, which is what keeps a change that came from Salla from echoing back.
 */
export interface SallaStockLedgerDoc extends TimestampFields {
  storeId: string;
  sku: string;
  quantity: number;
  /** Who set it last: `salla` (Salla reported it) or `odoo` (we emitted it). */
  source: 'salla' | 'odoo';
  /** When that quantity was true; an older report never overwrites a newer one. */
  observedAt: Date;
}

export const sallaStockLedgerSchema = defineStoreScopedSchema<SallaStockLedgerDoc>(
  {
    sku: { type: String, required: true },
    quantity: { type: Number, required: true },
    source: { type: String, required: true, enum: ['salla', 'odoo'] },
    observedAt: { type: Date, required: true },
  },
  { collection: 'odoo_salla_stock_ledger' },
);
sallaStockLedgerSchema.index({ storeId: 1, sku: 1 }, { unique: true });
