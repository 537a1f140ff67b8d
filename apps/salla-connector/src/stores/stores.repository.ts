import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';

import { SALLA_STORE_MODEL, type SallaStore } from './store.schema';

/** How long a store's plan and currency are served from memory: they change once in a blue moon. */
const CACHE_MS = 60_000;

/** The store registry; also answers the API client's "which plan is this store on?" for its rate limiter. */
@Injectable()
export class StoresRepository extends StoreScopedRepository<SallaStore> {
  private readonly cache = new Map<string, { at: number; store: Stored<SallaStore> | null }>();

  constructor(@InjectModel(SALLA_STORE_MODEL) model: Model<SallaStore>) {
    super(model);
  }

  async get(storeId: string): Promise<Stored<SallaStore> | null> {
    const hit = this.cache.get(storeId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.store;
    const store = await this.findOne(storeId);
    this.cache.set(storeId, { at: Date.now(), store });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
    return store;
  }

  /** Read through the cache: lifecycle decisions must see another replica's latest write. */
  async getFresh(storeId: string): Promise<Stored<SallaStore> | null> {
    return this.findOne(storeId);
  }

  async planOf(storeId: string): Promise<string | undefined> {
    return (await this.get(storeId))?.plan ?? undefined;
  }

  async isUninstalled(storeId: string): Promise<boolean> {
    // Read through: an uninstall must take effect at once, not after the cache expires.
    return (await this.findOne(storeId))?.status === 'uninstalled';
  }

  async update(storeId: string, set: Partial<Omit<SallaStore, 'storeId'>>): Promise<Stored<SallaStore>> {
    this.cache.delete(storeId);
    return this.upsert(storeId, {}, set, {
      setOnInsert: 'status' in set ? {} : { status: 'installed' },
    });
  }
}
