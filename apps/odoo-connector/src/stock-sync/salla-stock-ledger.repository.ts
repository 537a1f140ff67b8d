import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository } from '@app/persistence';

import { SALLA_STOCK_LEDGER_MODEL, type SallaStockLedgerDoc } from './salla-stock-ledger.schema';

/** The per-store, per-SKU ledger of Salla-side quantities (see SallaStockLedgerDoc). */
@Injectable()
export class SallaStockLedgerRepository extends StoreScopedRepository<SallaStockLedgerDoc> {
  constructor(@InjectModel(SALLA_STOCK_LEDGER_MODEL) model: Model<SallaStockLedgerDoc>) {
    super(model);
  }

  /** SKU → quantity known on the Salla side, for the SKUs that have an entry. */
  async quantities(storeId: string, skus: readonly string[]): Promise<Map<string, number>> {
    if (skus.length === 0) return new Map();
    const rows = await this.find(storeId, { sku: { $in: [...skus] } });
    return new Map(rows.map((row) => [row.sku, row.quantity]));
  }

  /**
   * Records a quantity unless a newer one is known. The conditional upsert inserts when the SKU has no entry;
   * when a newer entry exists the filter misses it and the insert hits the unique (storeId, sku) index:
   * that is the "ignore, it is older" outcome.
   */
  async record(
    storeId: string,
    entry: Pick<SallaStockLedgerDoc, 'sku' | 'quantity' | 'source' | 'observedAt'>,
  ): Promise<boolean> {
    const filter = this.scope(storeId, { sku: entry.sku, observedAt: { $lte: entry.observedAt } }, 'record');
    try {
      await this.model.updateOne(filter, { $set: { ...entry, storeId } }, { upsert: true }).exec();
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }
}
