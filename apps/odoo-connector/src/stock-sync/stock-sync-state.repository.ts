import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';

import {
  type DeliveredStatus,
  STOCK_SYNC_STATE_MODEL,
  type StockSyncStateDoc,
} from './stock-sync-state.schema';

export type StockSyncStatePatch = Partial<Omit<StockSyncStateDoc, '_id' | 'storeId'>>;

/** The per-store poll state (see StockSyncStateDoc). Only the lease holder of a store writes it. */
@Injectable()
export class StockSyncStateRepository extends StoreScopedRepository<StockSyncStateDoc> {
  constructor(@InjectModel(STOCK_SYNC_STATE_MODEL) model: Model<StockSyncStateDoc>) {
    super(model);
  }

  get(storeId: string): Promise<Stored<StockSyncStateDoc> | null> {
    return this.findOne(storeId, { _id: storeId });
  }

  /**
   * The state for the Odoo database `odoo` (`OdooClient.stamp`). Its location and cursors are positions in one
   * database: after the store moved to another (the merchant's test database, then the real one) they start
   * over — every quant of the location is read again, deliveries from the latest one on — and the delivered
   * status mapping stays. A state written before stamps is taken to be this database's.
   */
  async forOdoo(storeId: string, odoo: string): Promise<Stored<StockSyncStateDoc> | null> {
    const state = await this.get(storeId);
    if (state?.odoo === odoo) return state;
    if (!state?.odoo) {
      await this.patch(storeId, { odoo });
      return state && { ...state, odoo };
    }
    const restart = {
      odoo,
      locationId: null,
      quantCursor: null,
      quantAfterId: null,
      quantsHandled: null,
      pickingCursor: null,
      pickingAfterId: null,
      pickingsHandled: null,
    };
    await this.patch(storeId, restart);
    return { ...state, ...restart };
  }

  async patch(storeId: string, patch: StockSyncStatePatch): Promise<void> {
    this.scope(storeId, {}, 'patch');
    await this.model.updateOne({ _id: storeId }, { $set: { ...patch, storeId } }, { upsert: true }).exec();
  }

  /** Sets the store's "delivered" mapping (e.g. a merchant's custom status id instead of `delivered`). */
  setDeliveredStatus(storeId: string, status: DeliveredStatus): Promise<void> {
    return this.patch(storeId, { deliveredStatus: status });
  }

  /** Privacy: the state goes with the store. */
  async remove(storeId: string): Promise<void> {
    await this.deleteAllForStore(storeId);
  }
}
