import { Injectable, Logger } from '@nestjs/common';

import { CryptoService } from '@app/crypto';
import { MongoConnection, MissingStoreScopeError } from '@app/persistence';

import { PrivacyCollectionRegistry } from './data-class-registry';

export interface StoreErasureOptions {
  /** Data classes under legal hold: their collections are kept, and the store's key is not shredded. */
  keepDataClasses?: readonly string[];
}

export interface StoreErasureResult {
  /** Documents deleted across this service's collections. */
  erasedCount: number;
  /** Whether a data key existed and was shredded (everything sealed with it is now unreadable). */
  keyShredded: boolean;
  collections: Record<string, number>;
  /** Documents kept because their collection's class is held (collection → count). */
  kept: Record<string, number>;
  keptCount: number;
  /** The held classes that actually had documents here. */
  keptDataClasses: string[];
}

/**
 * Deletes every document of one store from this service's own database and shreds the store's data key.
 * Works on whatever collections exist, so a feature added later is covered without registering anything —
 * as long as its documents carry `storeId` (the store-scoped schema guarantees it). Collections of class
 * `privacy_records` (erasure receipts, legal holds) are kept: they are the proof the erasure happened.
 */
@Injectable()
export class StoreDataEraser {
  private readonly logger = new Logger(StoreDataEraser.name);

  constructor(
    private readonly mongo: MongoConnection,
    private readonly crypto: CryptoService,
    private readonly registry: PrivacyCollectionRegistry,
  ) {}

  async eraseStore(storeId: string, options: StoreErasureOptions = {}): Promise<StoreErasureResult> {
    if (typeof storeId !== 'string' || storeId.trim() === '')
      throw new MissingStoreScopeError('eraseStore', storeId);
    const held = new Set(options.keepDataClasses ?? []);
    // Shred first: if deleting documents fails half-way, what remains is already unreadable. Under a legal
    // hold the kept data may be sealed with the key, so the key stays until the hold is lifted.
    const keyShredded = held.size === 0 ? (await this.crypto.shred(storeId)).shredded : false;
    const result = await this.#deleteDocuments(storeId, held, keyShredded);
    this.logger.log({ msg: 'store data erased', storeId, ...result });
    return result;
  }

  /**
   * The same pass again for a store that is still erased: removes what a handler still busy with an earlier
   * event wrote after `eraseStore` ran, and shreds a key such a write may have created (unless held). The
   * caller decides that the store is still erased (`StoreErasureGuard.isErasedNow`).
   */
  async removeLateWrites(storeId: string, options: StoreErasureOptions = {}): Promise<StoreErasureResult> {
    if (typeof storeId !== 'string' || storeId.trim() === '')
      throw new MissingStoreScopeError('removeLateWrites', storeId);
    const held = new Set(options.keepDataClasses ?? []);
    const keyShredded = held.size === 0 ? (await this.crypto.shred(storeId)).shredded : false;
    return this.#deleteDocuments(storeId, held, keyShredded);
  }

  async #deleteDocuments(
    storeId: string,
    held: ReadonlySet<string>,
    keyShredded: boolean,
  ): Promise<StoreErasureResult> {
    const db = this.mongo.connection.db;
    if (!db) throw new Error('database not connected');
    const result: StoreErasureResult = {
      erasedCount: 0,
      keyShredded,
      collections: {},
      kept: {},
      keptCount: 0,
      keptDataClasses: [],
    };
    const keptClasses = new Set<string>();
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (this.registry.isInfrastructure(name)) continue;
      const dataClass = this.registry.classOf(name);
      if (dataClass === 'privacy_records') continue;
      if (held.has(dataClass)) {
        const count = await db.collection(name).countDocuments({ storeId });
        if (count > 0) {
          result.kept[name] = count;
          result.keptCount += count;
          keptClasses.add(dataClass);
        }
        continue;
      }
      const { deletedCount } = await db.collection(name).deleteMany({ storeId });
      if (deletedCount > 0) result.collections[name] = deletedCount;
      result.erasedCount += deletedCount;
    }
    result.keptDataClasses = [...keptClasses].sort();
    return result;
  }
}
