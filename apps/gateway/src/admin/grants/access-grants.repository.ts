import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';

import { ACCESS_GRANT_MODEL, type AccessGrant } from './access-grant.schema';

@Injectable()
export class AccessGrantsRepository extends StoreScopedRepository<AccessGrant> {
  constructor(@InjectModel(ACCESS_GRANT_MODEL) model: Model<AccessGrant>) {
    super(model);
  }

  /** True while the store has a grant that is neither expired nor revoked. */
  async hasActive(storeId: string, now = new Date()): Promise<boolean> {
    return (await this.count(storeId, { expiresAt: { $gt: now }, revokedAt: { $exists: false } })) > 0;
  }

  async list(storeId: string): Promise<Stored<AccessGrant>[]> {
    return this.find(storeId, {}, { sort: { expiresAt: -1 }, limit: 100 });
  }

  /** Revokes a grant that is still active; false when there is none by that id (or it already ended). */
  async revoke(storeId: string, grantId: string, by: string, now = new Date()): Promise<boolean> {
    const res = await this.updateOne(
      storeId,
      { grantId, revokedAt: { $exists: false } },
      { $set: { revokedAt: now, revokedBy: by } },
    );
    return res.matched > 0;
  }
}
