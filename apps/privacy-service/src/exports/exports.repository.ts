import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';

import { EXPORT_MODEL, type StoreExport, type StoredExportPart } from './export.schema';

@Injectable()
export class ExportsRepository extends StoreScopedRepository<StoreExport> {
  constructor(@InjectModel(EXPORT_MODEL) model: Model<StoreExport>) {
    super(model);
  }

  async createOnce(
    storeId: string,
    doc: Omit<StoreExport, 'storeId' | 'createdAt' | 'updatedAt'>,
  ): Promise<{ created: boolean; export: Stored<StoreExport> }> {
    try {
      return { created: true, export: await this.insert(storeId, doc) };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.byId(doc._id);
      if (!existing) throw err;
      return { created: false, export: existing };
    }
  }

  /** By id alone (the API's GET does not know the store); an exact `{_id}` lookup. */
  byId(exportId: string): Promise<Stored<StoreExport> | null> {
    return this.model.findById(exportId).lean<Stored<StoreExport>>().exec();
  }

  async addPart(storeId: string, exportId: string, service: string, part: StoredExportPart): Promise<void> {
    const path = `parts.${service}`;
    await this.updateOne(storeId, { _id: exportId, [path]: { $exists: false } }, { $set: { [path]: part } });
  }

  async finish(storeId: string, exportId: string, set: Partial<StoreExport>): Promise<boolean> {
    const res = await this.updateOne(
      storeId,
      { _id: exportId, status: 'pending' },
      { $set: set, $unset: { parts: 1 } },
    );
    return res.modified === 1;
  }
}
