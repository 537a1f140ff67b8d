import type { SallaStockIdentifierType } from '@app/contracts';
import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const PENDING_STOCK_SET_MODEL = 'PendingStockSet';

/**
 * A stock level waiting to be pushed to Salla, one document per item: commands for the same item collapse
 * here (the last overwrite wins; increments add up) until the flusher sends the store's pending items in
 * `POST /products/quantities/bulk` calls. Durable before the command is acknowledged, so a crash loses nothing.
 */
export interface PendingStockSet extends TimestampFields {
  /** `pendingStockSetId(...)`: lets every write address the document by `_id` alone. */
  _id: string;
  storeId: string;
  identifierType: SallaStockIdentifierType;
  identifier: string;
  branchId?: string | null;
  /** 'overwrite': `quantity` is the level to set; 'delta': `quantity` is a net change (may be negative). */
  mode: 'overwrite' | 'delta';
  quantity: number;
  /** Bumped on every change: the flusher deletes only the revision it sent, so a newer value survives. */
  rev: number;
  /** When the item started waiting; it is flushed once it waited the coalescing window. */
  firstAt: Date;
  /** Envelope id of the latest command, for the activity log. */
  lastEventId: string;
}

export function pendingStockSetId(
  storeId: string,
  identifierType: string,
  identifier: string,
  branchId?: string,
): string {
  return [storeId, identifierType, identifier, branchId ?? ''].join('|');
}

export const pendingStockSetSchema = defineStoreScopedSchema<PendingStockSet>(
  {
    _id: { type: String, required: true },
    identifierType: { type: String, required: true, enum: ['id', 'variant_id', 'sku'] },
    identifier: { type: String, required: true },
    branchId: { type: String, default: null },
    mode: { type: String, required: true, enum: ['overwrite', 'delta'] },
    quantity: { type: Number, required: true },
    rev: { type: Number, required: true },
    firstAt: { type: Date, required: true },
    lastEventId: { type: String, required: true },
  },
  { collection: 'salla_pending_stock_sets' },
);
// The flusher's scan for items that waited long enough (across stores).
pendingStockSetSchema.index({ firstAt: 1 });
