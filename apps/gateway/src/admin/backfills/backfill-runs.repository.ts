import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';

import {
  BACKFILL_PROGRESS_MODEL,
  BACKFILL_REQUEST_MODEL,
  type BackfillProgressEntry,
  type BackfillRequest,
} from './backfill-run.schema';

@Injectable()
export class BackfillRequestsRepository extends StoreScopedRepository<BackfillRequest> {
  constructor(@InjectModel(BACKFILL_REQUEST_MODEL) model: Model<BackfillRequest>) {
    super(model);
  }
}

@Injectable()
export class BackfillProgressRepository extends StoreScopedRepository<BackfillProgressEntry> {
  constructor(@InjectModel(BACKFILL_PROGRESS_MODEL) model: Model<BackfillProgressEntry>) {
    super(model);
  }

  /**
   * Keeps the newest report per run and resource. An older or repeated report (redelivery, reordering after a
   * DLT replay) matches nothing and its upsert hits the unique index: it is dropped.
   */
  async applyIfNewer(storeId: string, entry: Omit<BackfillProgressEntry, 'storeId'>): Promise<void> {
    const { runId, resource, ...rest } = entry;
    const filter = this.scope(
      storeId,
      { runId, resource, updatedAt: { $lt: entry.updatedAt } },
      'applyIfNewer',
    );
    try {
      await this.model.updateOne(filter, { $set: rest }, { upsert: true }).exec();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  async ofRun(storeId: string, runId: string): Promise<Stored<BackfillProgressEntry>[]> {
    return this.find(storeId, { runId }, { sort: { resource: 1 } });
  }
}
