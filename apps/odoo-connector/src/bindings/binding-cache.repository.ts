import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';

import { ODOO_BINDING_MODEL, type OdooBindingDoc } from './binding-cache.schema';

/** The local binding cache (see OdooBindingDoc). Every write addresses one document by `_id`. */
@Injectable()
export class BindingCacheRepository extends StoreScopedRepository<OdooBindingDoc> {
  constructor(@InjectModel(ODOO_BINDING_MODEL) model: Model<OdooBindingDoc>) {
    super(model);
  }

  get(storeId: string, name: string): Promise<Stored<OdooBindingDoc> | null> {
    return this.findOne(storeId, { _id: name });
  }

  async remember(storeId: string, doc: Omit<OdooBindingDoc, 'storeId' | 'appliedAt'>): Promise<void> {
    this.scope(storeId, {}, 'remember');
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
