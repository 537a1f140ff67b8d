import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';

import {
  KEY_ROTATION_MODEL,
  type KeyRotation,
  type KeyRotationStatus,
  type StoredReencryptionReport,
} from './key-rotation.schema';

export type NewKeyRotation = Omit<KeyRotation, 'storeId' | 'createdAt' | 'updatedAt'>;

/** Key rotations. Writes address one rotation by `_id` and its store; status moves are conditional. */
@Injectable()
export class KeyRotationsRepository extends StoreScopedRepository<KeyRotation> {
  constructor(@InjectModel(KEY_ROTATION_MODEL) model: Model<KeyRotation>) {
    super(model);
  }

  /** Inserts the rotation, or returns the one already stored for this store under that id. */
  async createOnce(
    storeId: string,
    rotation: NewKeyRotation,
  ): Promise<{ created: boolean; rotation: Stored<KeyRotation> | null }> {
    try {
      return { created: true, rotation: await this.insert(storeId, rotation) };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return { created: false, rotation: await this.get(storeId, rotation._id) };
    }
  }

  get(storeId: string, requestId: string): Promise<Stored<KeyRotation> | null> {
    return this.findOne(storeId, { _id: requestId });
  }

  /** Rotations waiting to be announced, for reports or to retire old versions, across stores (the scheduler). */
  open(): Promise<Stored<KeyRotation>[]> {
    return this.model
      .find({ status: { $in: ['settling', 'reencrypting', 'retiring'] } })
      .limit(1000)
      .lean<Stored<KeyRotation>[]>()
      .exec();
  }

  /** A service's report; a later success replaces an earlier failure, never the other way round. */
  async addReport(
    storeId: string,
    requestId: string,
    service: string,
    report: StoredReencryptionReport,
  ): Promise<void> {
    const path = `reports.${service}`;
    const notYetOk = {
      $or: [{ [path]: { $exists: false } }, { [`${path}.outcome`]: { $ne: 'reencrypted' } }],
    };
    await this.updateOne(storeId, { _id: requestId, ...notYetOk }, { $set: { [path]: report } });
  }

  /** Moves the rotation from `from` with `set`; false when another instance moved it first. */
  async transition(
    storeId: string,
    requestId: string,
    from: KeyRotationStatus,
    set: Partial<Omit<KeyRotation, '_id' | 'storeId'>>,
  ): Promise<boolean> {
    const res = await this.updateOne(storeId, { _id: requestId, status: from }, { $set: set });
    return res.modified === 1;
  }

  async markAnnounced(storeId: string, requestId: string, at: Date): Promise<void> {
    await this.updateOne(
      storeId,
      { _id: requestId },
      { $set: { lastAnnouncedAt: at }, $inc: { announceAttempts: 1 } },
    );
  }
}
