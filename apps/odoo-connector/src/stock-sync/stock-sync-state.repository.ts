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
