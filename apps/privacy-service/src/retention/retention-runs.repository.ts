import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError } from '@app/persistence';

import { RETENTION_RUN_MODEL, type RetentionRun, type ServiceSweepReport } from './retention-run.schema';

/** Retention runs are global (every store), so this repository is not store-scoped; writes go by `_id`. */
@Injectable()
export class RetentionRunsRepository {
  constructor(@InjectModel(RETENTION_RUN_MODEL) private readonly model: Model<RetentionRun>) {}

  /** Creates the run; false when a run with that id exists (another instance took this schedule slot). */
  async createOnce(run: Omit<RetentionRun, 'createdAt' | 'updatedAt'>): Promise<boolean> {
    try {
      await this.model.create(run);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  byId(runId: string): Promise<RetentionRun | null> {
    return this.model.findById(runId).lean<RetentionRun>().exec();
  }

  latest(): Promise<RetentionRun | null> {
    return this.model.findOne({}).sort({ startedAt: -1 }).lean<RetentionRun>().exec();
  }

  async addReport(runId: string, service: string, report: ServiceSweepReport): Promise<void> {
    await this.model.updateOne({ _id: runId }, { $set: { [`reports.${service}`]: report } }).exec();
  }
}
