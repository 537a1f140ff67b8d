import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository } from '@app/persistence';

import { DELIVERED_ORDER_MODEL, type DeliveredOrderDoc } from './delivered-orders.schema';

/** Salla orders already moved to their "delivered" status (see DeliveredOrderDoc). */
@Injectable()
export class DeliveredOrdersRepository extends StoreScopedRepository<DeliveredOrderDoc> {
  constructor(@InjectModel(DELIVERED_ORDER_MODEL) model: Model<DeliveredOrderDoc>) {
    super(model);
  }

  /** The Salla order ids among `orderIds` whose status was already sent. */
  async alreadySent(storeId: string, orderIds: readonly string[]): Promise<Set<string>> {
    if (orderIds.length === 0) return new Set();
    const rows = await this.find(storeId, { orderId: { $in: [...orderIds] } });
    return new Set(rows.map((row) => row.orderId));
  }

  /** Remembers a sent status; a second record of the same order (a racing poll) is a no-op. */
  async remember(storeId: string, doc: Omit<DeliveredOrderDoc, 'storeId'>): Promise<void> {
    try {
      await this.insert(storeId, doc);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
}
