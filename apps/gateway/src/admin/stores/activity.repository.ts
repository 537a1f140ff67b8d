import { Injectable } from '@nestjs/common';
import type { FilterQuery, Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';

import { ACTIVITY_MODEL, type ActivityEntry } from './activity-entry.schema';

export interface ActivityFilter {
  entityType?: string;
  outcome?: string;
  direction?: string;
  entityId?: string;
  /** `occurredAt` of the last entry of the previous page (newest first). */
  before?: Date;
  limit: number;
}

@Injectable()
export class ActivityRepository extends StoreScopedRepository<ActivityEntry> {
  constructor(@InjectModel(ACTIVITY_MODEL) model: Model<ActivityEntry>) {
    super(model);
  }

  /** Stores the line once; false when this event id was already recorded (a redelivery). */
  async recordOnce(storeId: string, entry: Omit<ActivityEntry, 'storeId'>): Promise<boolean> {
    try {
      await this.insert(storeId, entry);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async page(storeId: string, f: ActivityFilter): Promise<Stored<ActivityEntry>[]> {
    const filter: FilterQuery<ActivityEntry> = {};
    if (f.entityType) filter.entityType = f.entityType;
    if (f.outcome) filter.outcome = f.outcome;
    if (f.direction) filter.direction = f.direction;
    if (f.entityId) filter.entityId = f.entityId;
    if (f.before) filter.occurredAt = { $lt: f.before };
    return this.find(storeId, filter, { sort: { occurredAt: -1, _id: -1 }, limit: f.limit });
  }
}
