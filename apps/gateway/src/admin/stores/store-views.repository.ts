import { Injectable } from '@nestjs/common';
import type { FilterQuery, Model, UpdateQuery } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';

import { escapeRegExp } from '../http/escape-regexp';
import { installStateOf, STORE_VIEW_MODEL, type StoreView } from './store-view.schema';

export interface StoreSearch {
  q?: string;
  installState?: 'installed' | 'uninstalled';
  odooState?: string;
  hasFailures?: boolean;
  limit: number;
  skip: number;
}

@Injectable()
export class StoreViewsRepository extends StoreScopedRepository<StoreView> {
  constructor(@InjectModel(STORE_VIEW_MODEL) model: Model<StoreView>) {
    super(model);
  }

  /** Upsert of the store's one view document; a racing first insert (unique storeId) is retried as an update. */
  async apply(storeId: string, update: UpdateQuery<StoreView>): Promise<void> {
    const filter = this.scope(storeId, {}, 'apply');
    const run = () => this.model.updateOne(filter, update, { upsert: true }).exec();
    try {
      await run();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      await run();
    }
  }

  /**
   * Re-derives `installState` from the two timestamps after a lifecycle event: install and uninstall travel
   * on different topics, so their arrival order says nothing; their times do.
   */
  async refreshInstallState(storeId: string): Promise<void> {
    const view = await this.findOne(storeId);
    if (view) await this.updateOne(storeId, {}, { $set: { installState: installStateOf(view) } });
  }

  /**
   * The support list across stores: the one query here that is not scoped to a store, because listing stores
   * is what it is for. Search matches the store id exactly or the name/domain by case-insensitive substring.
   */
  async search(s: StoreSearch): Promise<Stored<StoreView>[]> {
    const and: FilterQuery<StoreView>[] = [];
    if (s.q) {
      const re = new RegExp(escapeRegExp(s.q), 'i');
      and.push({ $or: [{ storeId: s.q }, { name: re }, { domain: re }] });
    }
    if (s.installState) and.push({ installState: s.installState });
    if (s.odooState) and.push({ odooState: s.odooState });
    if (s.hasFailures !== undefined)
      and.push(s.hasFailures ? { syncFailed: { $gt: 0 } } : { syncFailed: { $not: { $gt: 0 } } });
    return this.model
      .find(and.length > 0 ? { $and: and } : {})
      .sort({ storeId: 1 })
      .skip(s.skip)
      .limit(s.limit)
      .lean<Stored<StoreView>[]>()
      .exec();
  }
}
