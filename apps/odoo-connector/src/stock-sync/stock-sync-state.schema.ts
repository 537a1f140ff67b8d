import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const STOCK_SYNC_STATE_MODEL = 'OdooStockSyncState';

/** A Salla status to give an order once Odoo delivered it: a base status slug or a merchant's own status id. */
export interface DeliveredStatus {
  slug?: string | null;
  statusId?: string | null;
}

/**
 * Where the Odoo → Salla poll of one store stands. One document per store (`_id` = storeId).
 *
 * Cursors are Odoo `write_date` texts (`YYYY-MM-DD HH:MM:SS`, UTC, whole seconds). The next poll reads
 * `write_date >= cursor`: the boundary second is read again, because Odoo may still write rows stamped with
 * that second after we read it; what was already handled is recognised (stock ledger, delivered orders).
 * `quantAfterId` is set only while a pass was cut short by the page bound: the next poll continues after
 * (cursor, id) instead of starting the same second over, so one busy second cannot stall the poll.
 */
export interface StockSyncStateDoc extends TimestampFields {
  _id: string;
  storeId: string;
  /**
   * The Odoo database the location and cursors are positions in (`OdooClient.stamp`): after the store moved to
   * another Odoo they start over (`StockSyncStateRepository.forOdoo`). Null in states written before stamps.
   */
  odoo?: string | null;
  /** The Odoo stock location mirrored to Salla (its children included); a change restarts the quant cursor. */
  locationId?: number | null;
  quantCursor?: string | null;
  quantAfterId?: number | null;
  /** The quants read in the late-commit window before the cursor and handled, as `write_date|id` (LateCommitWindow). */
  quantsHandled?: string[] | null;
  pickingCursor?: string | null;
  pickingAfterId?: number | null;
  /** The same for finished deliveries. */
  pickingsHandled?: string[] | null;
  /** The error code of the failing state last reported to the activity log; null while polls succeed. */
  problem?: string | null;
  /** Per-store mapping of "delivery done in Odoo" to a Salla status; default slug `delivered`. */
  deliveredStatus?: DeliveredStatus | null;
}

export const stockSyncStateSchema = defineStoreScopedSchema<StockSyncStateDoc>(
  {
    _id: { type: String, required: true },
    odoo: { type: String, default: null },
    locationId: { type: Number, default: null },
    quantCursor: { type: String, default: null },
    quantAfterId: { type: Number, default: null },
    quantsHandled: { type: [String], default: undefined },
    pickingCursor: { type: String, default: null },
    pickingAfterId: { type: Number, default: null },
    pickingsHandled: { type: [String], default: undefined },
    problem: { type: String, default: null },
    deliveredStatus: { type: Object, default: null },
  },
  { collection: 'odoo_stock_sync_state' },
  { oneDocumentPerStore: true },
);
