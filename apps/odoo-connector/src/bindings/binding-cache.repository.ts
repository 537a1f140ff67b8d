import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';
import { StoreErasureGuard } from '@app/privacy-participant';

import { ODOO_BINDING_MODEL, type OdooBindingDoc } from './binding-cache.schema';

/**
 * The local binding cache (see OdooBindingDoc). Every write addresses one document by `_id`. A sync still in
 * flight when its store was erased does not re-create the cache entry (`StoreErasureGuard`).
 */
@Injectable()
export class BindingCacheRepository extends StoreScopedRepository<OdooBindingDoc> {
  constructor(
    @InjectModel(ODOO_BINDING_MODEL) model: Model<OdooBindingDoc>,
    private readonly erasure: StoreErasureGuard,
  ) {
    super(model);
  }

  get(storeId: string, name: string): Promise<Stored<OdooBindingDoc> | null> {
    return this.findOne(storeId, { _id: name });
  }

  async remember(storeId: string, doc: Omit<OdooBindingDoc, 'storeId' | 'appliedAt'>): Promise<void> {
    this.scope(storeId, {}, 'remember');
    if (await this.erasure.isErased(storeId)) return this.erasure.skipped(storeId, 'binding cache');
    await this.model.updateOne({ _id: doc._id }, { $set: { ...doc, storeId } }, { upsert: true }).exec();
  }

  async markApplied(storeId: string, name: string, appliedAt: string): Promise<void> {
    this.scope(storeId, {}, 'markApplied');
    await this.model.updateOne({ _id: name }, { $set: { appliedAt } }).exec();
  }

  async forget(storeId: string, name: string): Promise<void> {
    this.scope(storeId, {}, 'forget');
    await this.model.deleteOne({ _id: name }).exec();
  }
}
