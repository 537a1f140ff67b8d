import { Injectable } from '@nestjs/common';
import { isValidObjectId, type FilterQuery, type Model, type Types } from 'mongoose';

import { InjectModel, isDuplicateKeyError } from '@app/persistence';

import {
  DEAD_LETTER_ACTION_MODEL,
  DEAD_LETTER_MODEL,
  type DeadLetter,
  type DeadLetterAction,
  type DeadLetterState,
} from './dead-letter.schema';

export type StoredDeadLetter = DeadLetter & { _id: Types.ObjectId };

export interface DeadLetterFilter {
  storeId?: string;
  sourceTopic?: string;
  state?: DeadLetterState;
}

@Injectable()
export class DeadLettersRepository {
  constructor(
    @InjectModel(DEAD_LETTER_MODEL) private readonly model: Model<DeadLetter>,
    @InjectModel(DEAD_LETTER_ACTION_MODEL) private readonly actions: Model<DeadLetterAction>,
  ) {}

  /** Indexes a dead letter once; a redelivery of the same DLT offset is a no-op. */
  async indexOnce(entry: DeadLetter): Promise<void> {
    try {
      await this.model.create(entry);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  async byId(id: string): Promise<StoredDeadLetter | null> {
    if (!isValidObjectId(id) || !/^[0-9a-f]{24}$/i.test(id)) return null;
    return this.model.findOne({ _id: id }).lean<StoredDeadLetter>().exec();
  }

  /** Cross-store by design (ops' view of every dead letter); see the schema's comment. */
  async list(f: DeadLetterFilter, limit: number, skip = 0): Promise<StoredDeadLetter[]> {
    const filter: FilterQuery<DeadLetter> = {};
    if (f.storeId) filter.storeId = f.storeId;
    if (f.sourceTopic) filter.sourceTopic = f.sourceTopic;
    if (f.state) filter.state = f.state;
    return this.model
      .find(filter)
      .sort({ failedAt: -1, _id: -1 })
      .skip(skip)
      .limit(limit)
      .lean<StoredDeadLetter[]>()
      .exec();
  }

  /** Claims the single terminal action; false when another replay/discard got there first. */
  async claimAction(action: DeadLetterAction): Promise<boolean> {
    try {
      await this.actions.create(action);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Gives a claim back (the replay could not be published), so a later replay may try again. */
  async releaseAction(deadLetterId: string): Promise<void> {
    await this.actions.deleteOne({ deadLetterId }).exec();
  }

  async markState(
    id: Types.ObjectId,
    state: DeadLetterState,
    by: string,
    extra: Partial<DeadLetter> = {},
  ): Promise<void> {
    await this.model
      .updateOne({ _id: id }, { $set: { state, stateChangedAt: new Date(), stateChangedBy: by, ...extra } })
      .exec();
  }
}
