import { Injectable, Logger } from '@nestjs/common';

import { CryptoService } from '@app/crypto';
import { MongoConnection, MissingStoreScopeError } from '@app/persistence';

export interface StoreErasureResult {
  /** Documents deleted across this service's collections. */
  erasedCount: number;
  /** Whether a data key existed and was shredded (everything sealed with it is now unreadable). */
  keyShredded: boolean;
  collections: Record<string, number>;
}

/** Collections that must survive a store erasure: the keyring keeps only a key-less tombstone via `shred`. */
const KEEP = new Set(['crypto_keyring']);

/**
 * Deletes every document of one store from this service's own database and shreds the store's data key.
 * Works on whatever collections exist, so a feature added later is covered without registering anything —
 * as long as its documents carry `storeId` (the store-scoped schema guarantees it).
 */
@Injectable()
export class StoreDataEraser {
  private readonly logger = new Logger(StoreDataEraser.name);

  constructor(
    private readonly mongo: MongoConnection,
    private readonly crypto: CryptoService,
  ) {}

  async eraseStore(storeId: string): Promise<StoreErasureResult> {
    if (typeof storeId !== 'string' || storeId.trim() === '')
      throw new MissingStoreScopeError('eraseStore', storeId);
    // Shred first: if deleting documents fails half-way, what remains is already unreadable.
    const { shredded } = await this.crypto.shred(storeId);
    const db = this.mongo.connection.db;
    if (!db) throw new Error('database not connected');
    const collections: Record<string, number> = {};
    let erasedCount = 0;
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (KEEP.has(name) || name.startsWith('system.')) continue;
      const { deletedCount } = await db.collection(name).deleteMany({ storeId });
      if (deletedCount > 0) collections[name] = deletedCount;
      erasedCount += deletedCount;
    }
    this.logger.log({ msg: 'store data erased', storeId, erasedCount, keyShredded: shredded, collections });
    return { erasedCount, keyShredded: shredded, collections };
  }
}
