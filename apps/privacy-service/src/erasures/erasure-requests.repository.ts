import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';

import {
  ERASURE_REQUEST_MODEL,
  type ErasureRequest,
  type ErasureStatus,
  type StoredReceipt,
} from './erasure-request.schema';

export type NewErasureRequest = Omit<ErasureRequest, 'storeId' | 'createdAt' | 'updatedAt'>;

/** Erasure requests. Writes address one request by `_id` (and its store); status moves are conditional. */
@Injectable()
export class ErasureRequestsRepository extends StoreScopedRepository<ErasureRequest> {
  constructor(@InjectModel(ERASURE_REQUEST_MODEL) model: Model<ErasureRequest>) {
    super(model);
  }

  /** Inserts the request, or returns the one already stored under that id (`created: false`). */
  async createOnce(
    storeId: string,
    request: NewErasureRequest,
  ): Promise<{ created: boolean; request: Stored<ErasureRequest> }> {
    try {
      return { created: true, request: await this.insert(storeId, request) };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.byId(request._id);
      if (!existing) throw err;
      return { created: false, request: existing };
    }
  }

  /**
   * A request by its id alone: the API's `GET /erasures/{requestId}` does not know the store. An exact
   * `{_id}` lookup, so it reads exactly one request.
   */
  byId(requestId: string): Promise<Stored<ErasureRequest> | null> {
    return this.model.findById(requestId).lean<Stored<ErasureRequest>>().exec();
  }

  /** Requests still waiting for receipts, across stores (the watchdog). */
  open(): Promise<Stored<ErasureRequest>[]> {
    return this.model.find({ status: 'in_progress' }).limit(1000).lean<Stored<ErasureRequest>[]>().exec();
  }

  /** Completed requests whose late-write sweep is due, across stores (the watchdog). */
  lateSweepsDue(now: Date): Promise<Stored<ErasureRequest>[]> {
    return this.model
      .find({ lateSweepDueAt: { $lte: now } })
      .limit(1000)
      .lean<Stored<ErasureRequest>[]>()
      .exec();
  }

  /** Set before the sweep is published, so an answer arriving at once is recognised as the sweep's. */
  async markLateSweepPublished(storeId: string, requestId: string, at: Date): Promise<void> {
    await this.updateOne(storeId, { _id: requestId }, { $set: { lateSweepPublishedAt: at } });
  }

  /** Ends the wait for the late sweep (done, or skipped with a reason). */
  async closeLateSweep(storeId: string, requestId: string, skipped?: string): Promise<void> {
    await this.updateOne(
      storeId,
      { _id: requestId },
      { ...(skipped ? { $set: { lateSweepSkipped: skipped } } : {}), $unset: { lateSweepDueAt: 1 } },
    );
  }

  /** What one service's late-sweep pass removed (the latest answer counts). */
  async recordLateWrites(
    storeId: string,
    requestId: string,
    service: string,
    removed: number,
  ): Promise<void> {
    await this.updateOne(
      storeId,
      { _id: requestId },
      { $set: { [`lateWritesRemoved.${service}`]: removed } },
    );
  }

  /** Keeps the first receipt of a service; a repeated receipt (after a retry) changes nothing. */
  async addReceipt(
    storeId: string,
    requestId: string,
    service: string,
    receipt: StoredReceipt,
  ): Promise<boolean> {
    const path = `receipts.${service}`;
    const res = await this.updateOne(
      storeId,
      { _id: requestId, [path]: { $exists: false } },
      { $set: { [path]: receipt } },
    );
    return res.modified === 1;
  }

  /** Moves the request from `from` to a new state with `set`; false when another instance moved it first. */
  async transition(
    storeId: string,
    requestId: string,
    from: ErasureStatus,
    set: Partial<Omit<ErasureRequest, '_id' | 'storeId'>>,
  ): Promise<boolean> {
    const res = await this.updateOne(storeId, { _id: requestId, status: from }, { $set: set });
    return res.modified === 1;
  }

  async markPublished(storeId: string, requestId: string, at: Date): Promise<void> {
    await this.updateOne(
      storeId,
      { _id: requestId },
      { $set: { lastPublishedAt: at }, $inc: { publishAttempts: 1 } },
    );
  }
}
