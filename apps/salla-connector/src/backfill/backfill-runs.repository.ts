import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import type { BackfillResource } from '@app/contracts';
import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';

import {
  BACKFILL_RUN_MODEL,
  type BackfillRun,
  backfillRunId,
  type BackfillRunState,
  type ResourceProgress,
} from './backfill-run.schema';

export interface NewRun {
  runId: string;
  resources: BackfillResource[];
  ordersSince: Date;
  requestedBy: string;
}

/** Backfill runs and their checkpoints. Writes address a run by `_id`, which embeds the store id. */
@Injectable()
export class BackfillRunsRepository extends StoreScopedRepository<BackfillRun> {
  constructor(@InjectModel(BACKFILL_RUN_MODEL) model: Model<BackfillRun>) {
    super(model);
  }

  /** Creates the run unless one with this id exists; returns whether it was created. */
  async create(storeId: string, run: NewRun): Promise<boolean> {
    const progress: Partial<Record<BackfillResource, ResourceProgress>> = {};
    for (const r of run.resources)
      progress[r] = { state: 'pending', page: 0, done: 0, total: null, failed: 0 };
    try {
      await this.insert(storeId, {
        _id: backfillRunId(storeId, run.runId),
        ...run,
        state: 'pending',
        progress,
      });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Runs waiting or in progress, across stores, oldest first. */
  async active(limit: number): Promise<Stored<BackfillRun>[]> {
    return this.model
      .find({ state: { $in: ['pending', 'running'] } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<Stored<BackfillRun>[]>()
      .exec();
  }

  async get(storeId: string, runId: string): Promise<Stored<BackfillRun> | null> {
    return this.findOne(storeId, { _id: backfillRunId(storeId, runId) });
  }

  async hasCompleted(storeId: string): Promise<boolean> {
    return (await this.count(storeId, { state: 'completed' })) > 0;
  }

  async checkpoint(
    storeId: string,
    runId: string,
    resource: BackfillResource,
    progress: ResourceProgress,
  ): Promise<void> {
    this.scope(storeId, {}, 'checkpoint');
    await this.model.updateOne(
      { _id: backfillRunId(storeId, runId) },
      { $set: { [`progress.${resource}`]: progress, state: 'running' } },
    );
  }

  async markStarted(storeId: string, runId: string, now: Date): Promise<void> {
    this.scope(storeId, {}, 'markStarted');
    await this.model.updateOne(
      { _id: backfillRunId(storeId, runId) },
      { $set: { state: 'running', startedAt: now } },
    );
  }

  async finish(
    storeId: string,
    runId: string,
    state: Extract<BackfillRunState, 'completed' | 'failed' | 'cancelled'>,
    message: string | null,
    now: Date,
  ): Promise<void> {
    this.scope(storeId, {}, 'finish');
    await this.model.updateOne(
      { _id: backfillRunId(storeId, runId) },
      { $set: { state, message, finishedAt: now } },
    );
  }

  /** Uninstall: every open run of the store stops. */
  async cancelAll(storeId: string, message: string, now: Date): Promise<number> {
    const { modified } = await this.updateMany(
      storeId,
      { state: { $in: ['pending', 'running'] } },
      { $set: { state: 'cancelled', message, finishedAt: now } },
    );
    return modified;
  }
}
