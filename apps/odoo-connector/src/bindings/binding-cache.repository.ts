import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, StoreScopedRepository, type Stored } from '@app/persistence';
import { StoreErasureGuard } from '@app/privacy-participant';

import { ODOO_BINDING_MODEL, type OdooBindingDoc } from './binding-cache.schema';
import { BoundIdMemo } from './bound-id-memo';

/** What a binding's entry says, without the store, the database stamp and the applied version. */
export type BindingEntry = Omit<OdooBindingDoc, 'storeId' | 'odoo' | 'appliedAt'>;

/**
 * The local binding cache (see OdooBindingDoc). Every write addresses one document by `_id`. A sync still in
 * flight when its store was erased does not re-create the cache entry (`StoreErasureGuard`).
 *
 * Entries are stamped with the Odoo database they were learnt from (`OdooClient.stamp`, the `odoo` argument)
 * and read only through a client of that database: a store moved to another Odoo (the merchant's test
 * database, then the real one) must not write to the ids of the first — in the second they are other records,
 * or none. An entry of another database is a miss, Odoo's `ir.model.data` is read again, and the entry is
 * replaced; so is one written before entries were stamped.
 */
@Injectable()
export class BindingCacheRepository extends StoreScopedRepository<OdooBindingDoc> {
  /** 50,000 ids (a few MB) for 10 minutes. */
  private readonly memo = new BoundIdMemo(50_000, 10 * 60_000);

  constructor(
    @InjectModel(ODOO_BINDING_MODEL) model: Model<OdooBindingDoc>,
    private readonly erasure: StoreErasureGuard,
  ) {
    super(model);
  }

  /**
   * By `_id` alone, the store checked here: the same answer as `{ _id, storeId }` (MongoDB serves both from
   * the _id index), but FerretDB, the test and benchmark server, uses an index only for exactly `{ _id }` and
   * scans the collection otherwise (62 ms vs 1.4 ms at 10,000 entries) — and this is the connector's hot read.
   */
  async get(storeId: string, odoo: string, name: string): Promise<Stored<OdooBindingDoc> | null> {
    this.scope(storeId, {}, 'get');
    const doc = await this.model.findOne({ _id: name }).lean<Stored<OdooBindingDoc>>().exec();
    if (!doc || doc.storeId !== storeId || doc.odoo !== odoo) return null;
    this.memo.keep(doc.kind, storeId, odoo, name, doc.resId);
    return doc;
  }

  /** The bound Odoo id alone (no applied version): from this process's memory when it has it (`BoundIdMemo`). */
  async resIdOf(storeId: string, odoo: string, name: string): Promise<number | null> {
    const remembered = this.memo.get(storeId, odoo, name);
    if (remembered) return remembered;
    const doc = await this.get(storeId, odoo, name);
    return doc && doc.resId > 0 ? doc.resId : null;
  }

  /**
   * Only called after a miss, so an entry already there is another database's: its applied version does not
   * hold in this one either.
   */
  async remember(storeId: string, odoo: string, doc: BindingEntry): Promise<void> {
    this.scope(storeId, {}, 'remember');
    if (await this.erasure.isErased(storeId)) return this.erasure.skipped(storeId, 'binding cache');
    await this.model
      .updateOne({ _id: doc._id }, { $set: { ...doc, storeId, odoo, appliedAt: null } }, { upsert: true })
      .exec();
    this.memo.keep(doc.kind, storeId, odoo, doc._id, doc.resId);
  }

  /**
   * `remember` for the records of a backfill batch: one insert for all (they are new, almost always) instead
   * of one upsert each — hundreds of round trips per batch were most of a backfill's time after Salla was
   * read. Entries cached already (a redelivered batch) refuse the insert; then each is upserted as
   * `remember` does.
   */
  async rememberMany(storeId: string, odoo: string, docs: readonly BindingEntry[]) {
    this.scope(storeId, {}, 'rememberMany');
    if (docs.length === 0) return;
    if (await this.erasure.isErased(storeId)) return this.erasure.skipped(storeId, 'binding cache');
    try {
      await this.model.insertMany(
        docs.map((doc) => ({ ...doc, storeId, odoo })),
        { ordered: false },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      for (const doc of docs) await this.remember(storeId, odoo, doc);
    }
  }

  /**
   * By `_id` alone (see `get`). The entry is this database's: the apply that marks it has just read or written
   * it through the same client; and an entry of another database is a miss whatever it says.
   */
  async markApplied(storeId: string, name: string, appliedAt: string): Promise<void> {
    this.scope(storeId, {}, 'markApplied');
    await this.model.updateOne({ _id: name }, { $set: { appliedAt } }).exec();
  }

  async forget(storeId: string, name: string): Promise<void> {
    this.scope(storeId, {}, 'forget');
    this.memo.forget(name);
    await this.model.deleteOne({ _id: name }).exec();
  }
}
