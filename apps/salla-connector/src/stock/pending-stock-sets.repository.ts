import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import type { InventoryLevelSet } from '@app/contracts';
import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';

import { PENDING_STOCK_SET_MODEL, type PendingStockSet, pendingStockSetId } from './pending-stock-set.schema';

/** The coalescing buffer of stock commands (see PendingStockSet). */
@Injectable()
export class PendingStockSetsRepository extends StoreScopedRepository<PendingStockSet> {
  constructor(@InjectModel(PENDING_STOCK_SET_MODEL) model: Model<PendingStockSet>) {
    super(model);
  }

  /**
   * Folds one command into the item's pending value. Commands of one item share a Kafka key, so they arrive
   * one at a time, in order: a read-modify-write is safe here.
   */
  async absorb(storeId: string, command: InventoryLevelSet, eventId: string, now: Date): Promise<void> {
    this.scope(storeId, {}, 'absorb'); // refuses a missing store id, as every repository call does
    const _id = pendingStockSetId(storeId, command.identifierType, command.identifier, command.branchId);
    // By `_id` alone (it embeds the store id): the only filter FerretDB serves by key instead of a scan.
    const current = await this.model.findOne({ _id }).lean<Stored<PendingStockSet>>().exec();
    const signed = command.mode === 'decrement' ? -command.quantity : command.quantity;
    let mode: PendingStockSet['mode'];
    let quantity: number;
    if (command.mode === 'overwrite') {
      mode = 'overwrite';
      quantity = command.quantity;
    } else if (current?.mode === 'overwrite') {
      // A change after a pending absolute level moves that level (never below zero: Salla holds no negatives).
      mode = 'overwrite';
      quantity = Math.max(0, current.quantity + signed);
    } else {
      mode = 'delta';
      quantity = (current?.quantity ?? 0) + signed;
    }
    await this.model.updateOne(
      { _id },
      {
        $set: {
          storeId,
          identifierType: command.identifierType,
          identifier: command.identifier,
          branchId: command.branchId ?? null,
          mode,
          quantity,
          lastEventId: eventId,
          rev: (current?.rev ?? 0) + 1,
        },
        $setOnInsert: { firstAt: now },
      },
      { upsert: true },
    );
  }

  /**
   * The stores with an item that waited at least until `cutoff`. Stores, not items: a store with thousands of
   * items Salla keeps refusing must not fill every pass and starve the others.
   */
  async dueStores(cutoff: Date): Promise<string[]> {
    const ids: unknown[] = await this.model.distinct('storeId', { firstAt: { $lte: cutoff } }).exec();
    return ids.map(String);
  }

  /** All pending items of one store (a flush sends everything the store has, due or not). */
  async pendingFor(storeId: string, limit: number): Promise<Stored<PendingStockSet>[]> {
    return this.find(storeId, {}, { sort: { firstAt: 1 }, limit });
  }

  /** Removes an item that was sent, unless a newer command changed it meanwhile. */
  async settle(storeId: string, id: string, rev: number): Promise<void> {
    await this.deleteMany(storeId, { _id: id, rev });
  }
}
