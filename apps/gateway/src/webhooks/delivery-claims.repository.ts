import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';

import { DELIVERY_CLAIM_MODEL, type DeliveryClaim, deliveryClaimId } from './delivery-claim.schema';

export type ClaimAttempt =
  { claimed: true; claimedAt: Date } | { claimed: false; existing: Stored<DeliveryClaim> };

/** Claims on webhook deliveries (see DeliveryClaim): every write is conditional, so instances never collide. */
@Injectable()
export class DeliveryClaimsRepository extends StoreScopedRepository<DeliveryClaim> {
  constructor(@InjectModel(DELIVERY_CLAIM_MODEL) model: Model<DeliveryClaim>) {
    super(model);
  }

  /** The collection's model, for the retention sweep. */
  get collection(): Model<DeliveryClaim> {
    return this.model;
  }

  /**
   * Inserts a `pending` claim. If the delivery is already claimed, returns that claim instead. A claim that
   * vanished between the clash and the read (released by a failed publish, or swept) is claimed again, once.
   */
  async claim(storeId: string, bodySha256: string, event: string, now: Date): Promise<ClaimAttempt> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.insert(storeId, {
          _id: deliveryClaimId(storeId, bodySha256),
          bodySha256,
          event,
          status: 'pending',
          claimedAt: now,
          publishedAt: null,
        });
        return { claimed: true, claimedAt: now };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      const existing = await this.findOne(storeId, { bodySha256 });
      if (existing) return { claimed: false, existing };
      if (attempt >= 2) throw new Error('delivery claim keeps appearing and vanishing; try again later');
    }
  }

  /**
   * Takes over a `pending` claim whose owner apparently died: succeeds only if it is still pending with the
   * `claimedAt` we saw (so of two instances racing for it, exactly one wins).
   */
  async takeOver(storeId: string, bodySha256: string, seenClaimedAt: Date, now: Date): Promise<boolean> {
    const { modified } = await this.updateOne(
      storeId,
      { bodySha256, status: 'pending', claimedAt: seenClaimedAt },
      { $set: { claimedAt: now } },
    );
    return modified === 1;
  }

  /** Kafka acknowledged the delivery: from now on a copy of it is a duplicate. */
  async markPublished(storeId: string, bodySha256: string, now: Date): Promise<void> {
    this.scope(storeId, {}, 'markPublished'); // refuses a missing store id, as every repository call does
    // By `_id` alone (which embeds the store id): the one write every accepted webhook makes after the
    // publish, kept to a keyed update (see deliveryClaimId).
    await this.model.updateOne(
      { _id: deliveryClaimId(storeId, bodySha256) },
      { $set: { status: 'published', publishedAt: now } },
    );
  }

  /** Publishing failed: drop our own pending claim so Salla's retry is processed afresh. */
  async release(storeId: string, bodySha256: string, claimedAt: Date): Promise<void> {
    await this.deleteMany(storeId, { bodySha256, status: 'pending', claimedAt });
  }
}
