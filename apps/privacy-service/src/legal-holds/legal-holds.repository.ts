import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';

import { LEGAL_HOLD_MODEL, type LegalHold } from './legal-hold.schema';

@Injectable()
export class LegalHoldsRepository extends StoreScopedRepository<LegalHold> {
  constructor(@InjectModel(LEGAL_HOLD_MODEL) model: Model<LegalHold>) {
    super(model);
  }

  place(
    storeId: string,
    hold: Pick<LegalHold, 'reason' | 'dataClasses' | 'until'>,
    now: Date,
  ): Promise<Stored<LegalHold>> {
    return this.upsert(storeId, { _id: storeId }, { ...hold, placedAt: now });
  }

  /** The hold in force at `now`, if any (an expired hold no longer keeps anything). */
  async active(storeId: string, now: Date): Promise<Stored<LegalHold> | null> {
    const hold = await this.findOne(storeId, { _id: storeId });
    return hold && hold.until.getTime() > now.getTime() ? hold : null;
  }

  async lift(storeId: string): Promise<boolean> {
    return (await this.deleteMany(storeId, { _id: storeId })) > 0;
  }
}
