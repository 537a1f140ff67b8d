import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';

import { ODOO_CONNECTION_MODEL, type OdooConnectionDoc } from './odoo-connection.schema';

/** The per-store Odoo connection (see OdooConnectionDoc). Settings events of one store arrive in order. */
@Injectable()
export class OdooConnectionsRepository extends StoreScopedRepository<OdooConnectionDoc> {
  constructor(@InjectModel(ODOO_CONNECTION_MODEL) model: Model<OdooConnectionDoc>) {
    super(model);
  }

  get(storeId: string): Promise<Stored<OdooConnectionDoc> | null> {
    return this.findOne(storeId, { _id: storeId });
  }

  async save(storeId: string, doc: Omit<OdooConnectionDoc, '_id' | 'storeId'>): Promise<void> {
    this.scope(storeId, {}, 'save');
    await this.model.replaceOne({ _id: storeId }, { ...doc, _id: storeId, storeId }, { upsert: true }).exec();
  }

  /** Privacy: every connection setting (URL, login, sealed key) goes at uninstall. */
  async remove(storeId: string): Promise<void> {
    this.scope(storeId, {}, 'remove');
    await this.model.deleteOne({ _id: storeId }).exec();
  }
}
