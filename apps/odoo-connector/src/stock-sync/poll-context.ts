import type { Stored } from '@app/persistence';

import type { OdooClient } from '../odoo-client';
import type { StockSyncStateDoc } from './stock-sync-state.schema';

/** Rows read per Odoo call, and pages per pass: one poll of one store reads at most PAGE_SIZE × MAX_PAGES rows. */
export const PAGE_SIZE = 200;
export const MAX_PAGES = 25;

/** What a pass of one store's poll works with. */
export interface PollContext {
  storeId: string;
  client: OdooClient;
  state: Stored<StockSyncStateDoc> | null;
  /** The Odoo location the merchant chose to mirror (app setting), or null for the main warehouse's. */
  stockLocationId: string | null;
  /** Renews this instance's lease on the store; throws when another instance took it over. */
  keepLease: () => Promise<void>;
}
