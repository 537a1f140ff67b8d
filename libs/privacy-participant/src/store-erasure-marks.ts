import {
  defineStoreScopedSchema,
  isDuplicateKeyError,
  MongoConnection,
  StoreScopedRepository,
  type TimestampFields,
} from '@app/persistence';

export const ERASURE_MARK_MODEL = 'PrivacyErasureMark';
/** In the shared key-ring database (KEYRING_DB), next to the key tombstones: every service reads the same marks. */
export const ERASURE_MARK_COLLECTION = 'privacy_erasure_marks';

/**
 * One document per erased store: when it was last erased and, once the merchant installs the app again, when
 * that reinstall happened. The store counts as erased while `reinstalledAt` is absent or older than
 * `erasedAt`. Like the key tombstone beside it, it holds no store data: an id and two timestamps.
 */
export interface StoreErasureMark extends TimestampFields {
  storeId: string;
  /** Time of the latest erasure request (`requestedAt`), so a reinstall is compared with the request. */
  erasedAt: Date;
  /** Time of the latest install/authorize event newer than `erasedAt`. */
  reinstalledAt?: Date;
}

export const erasureMarkSchema = defineStoreScopedSchema<StoreErasureMark>(
  {
    erasedAt: { type: Date, required: true },
    reinstalledAt: { type: Date },
  },
  { collection: ERASURE_MARK_COLLECTION },
  { oneDocumentPerStore: true },
);

/** The marks. Both writes are single-document updates whose `$max` makes them order-independent. */
export class StoreErasureMarks extends StoreScopedRepository<StoreErasureMark> {
  static on(mongo: MongoConnection, dbName: string): StoreErasureMarks {
    return new StoreErasureMarks(
      mongo.model<StoreErasureMark>(ERASURE_MARK_MODEL, erasureMarkSchema, {
        collection: ERASURE_MARK_COLLECTION,
        dbName,
      }),
    );
  }

  /** Records an erasure requested at `at` (a later one wins; an older retry changes nothing). */
  async markErased(storeId: string, at: Date): Promise<void> {
    const update = (): Promise<unknown> =>
      this.model
        .updateOne(this.scope(storeId, {}, 'markErased'), { $max: { erasedAt: at } }, { upsert: true })
        .exec();
    try {
      await update();
    } catch (err) {
      // Two services marking the same store at once: the unique store index lets one insert; update then.
      if (!isDuplicateKeyError(err)) throw err;
      await update();
    }
  }

  /** Records a reinstall at `at` if it is newer than the erasure; true when the store had been erased. */
  async markReinstalled(storeId: string, at: Date): Promise<boolean> {
    const res = await this.model
      .updateOne(this.scope(storeId, { erasedAt: { $lt: at } }, 'markReinstalled'), {
        $max: { reinstalledAt: at },
      })
      .exec();
    return res.matchedCount > 0;
  }
}
