import type { FilterQuery, Model, SortOrder, Types, UpdateQuery } from 'mongoose';

import { isDuplicateKeyError } from './duplicate-key';
import { assertStoreId, assertUpdateKeepsScope, scopeFilter, StoreFilter, StoreScoped } from './store-scope';
import { assertStoreScopedSchema } from './store-scoped-schema';

/** A document as read back: plain object (lean), with its `_id`. */
export type Stored<T> = T & { _id: Types.ObjectId };

/** A new document: everything but the store id, which the repository sets. */
export type NewDocument<T extends StoreScoped> = Omit<T, 'storeId'>;

/** Equality match on fields of the document (no operators), e.g. `{ orderId: '42' }`. */
export type NaturalKey<T extends StoreScoped> = Partial<Omit<T, 'storeId'>>;

export interface FindOptions {
  limit?: number;
  skip?: number;
  sort?: Record<string, SortOrder>;
}

export interface UpsertOptions<T extends StoreScoped> {
  /** Fields written only when the upsert inserts (e.g. a first-seen timestamp). */
  setOnInsert?: Partial<Omit<T, 'storeId'>>;
}

export interface UpdateOutcome {
  matched: number;
  modified: number;
}

/**
 * Base repository for a store-scoped collection. Every method takes the store id as its first, required
 * argument, so a query that forgets it does not compile; at run time a blank or non-string store id throws
 * `MissingStoreScopeError`, and a filter or update that would reach another store throws
 * `StoreScopeViolationError`. Reads are lean (plain objects).
 *
 * Subclasses add domain queries; when they use `this.model` directly they must build the filter with
 * `this.scope(storeId, filter)`.
 */
export class StoreScopedRepository<T extends StoreScoped> {
  constructor(protected readonly model: Model<T>) {
    assertStoreScopedSchema(model.schema, model.modelName);
  }

  /** The filter pinned to `storeId` (validated); for subclasses' own queries. */
  protected scope(storeId: string, filter?: FilterQuery<T>, operation = 'query'): StoreFilter<T> {
    return scopeFilter<T>(storeId, filter, `${this.model.modelName}.${operation}`);
  }

  async findOne(
    storeId: string,
    filter: FilterQuery<T> = {},
    options: Pick<FindOptions, 'sort'> = {},
  ): Promise<Stored<T> | null> {
    const query = this.model.findOne(this.scope(storeId, filter, 'findOne'));
    if (options.sort) query.sort(options.sort);
    return query.lean<Stored<T>>().exec();
  }

  async find(storeId: string, filter: FilterQuery<T> = {}, options: FindOptions = {}): Promise<Stored<T>[]> {
    const query = this.model.find(this.scope(storeId, filter, 'find'));
    if (options.sort) query.sort(options.sort);
    if (options.skip !== undefined) query.skip(options.skip);
    if (options.limit !== undefined) query.limit(options.limit);
    return query.lean<Stored<T>[]>().exec();
  }

  async count(storeId: string, filter: FilterQuery<T> = {}): Promise<number> {
    return this.model.countDocuments(this.scope(storeId, filter, 'count')).exec();
  }

  /** Inserts one document into the store; a unique-index clash rejects with the driver's E11000 error. */
  async insert(storeId: string, doc: NewDocument<T>): Promise<Stored<T>> {
    assertStoreId(storeId, `${this.model.modelName}.insert`);
    const created = await this.model.create({ ...doc, storeId });
    return created.toObject();
  }

  /**
   * Creates or updates the one document of this store matching `key` (a natural key that a unique index
   * leading with storeId should back) and returns it as stored. Idempotent: the same call twice leaves one
   * document. Implemented as findOneAndUpdate with upsert and no projection (FerretDB cannot project inside
   * findAndModify); a concurrent insert of the same key (duplicate key) is retried once as an update.
   */
  async upsert(
    storeId: string,
    key: NaturalKey<T>,
    set: Partial<Omit<T, 'storeId'>>,
    options: UpsertOptions<T> = {},
  ): Promise<Stored<T>> {
    const filter = this.scope(storeId, key as FilterQuery<T>, 'upsert');
    const update: Record<string, unknown> = { $set: { ...set } };
    if (options.setOnInsert && Object.keys(options.setOnInsert).length > 0)
      update.$setOnInsert = { ...options.setOnInsert };
    assertUpdateKeepsScope(storeId, update as UpdateQuery<T>, `${this.model.modelName}.upsert`);
    const run = (): Promise<Stored<T> | null> =>
      this.model
        .findOneAndUpdate(filter, update, {
          upsert: true,
          new: true,
          runValidators: true,
          setDefaultsOnInsert: true,
        })
        .lean<Stored<T>>()
        .exec();
    let result: Stored<T> | null;
    try {
      result = await run();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      result = await run();
    }
    if (!result) throw new Error(`${this.model.modelName}.upsert: the database returned no document`);
    return result;
  }

  async updateOne(storeId: string, filter: FilterQuery<T>, update: UpdateQuery<T>): Promise<UpdateOutcome> {
    const scoped = this.scope(storeId, filter, 'updateOne');
    assertUpdateKeepsScope(storeId, update, `${this.model.modelName}.updateOne`);
    const res = await this.model.updateOne(scoped, update, { runValidators: true }).exec();
    return { matched: res.matchedCount, modified: res.modifiedCount };
  }

  async updateMany(storeId: string, filter: FilterQuery<T>, update: UpdateQuery<T>): Promise<UpdateOutcome> {
    const scoped = this.scope(storeId, filter, 'updateMany');
    assertUpdateKeepsScope(storeId, update, `${this.model.modelName}.updateMany`);
    const res = await this.model.updateMany(scoped, update, { runValidators: true }).exec();
    return { matched: res.matchedCount, modified: res.modifiedCount };
  }

  /** Deletes this store's documents matching `filter` (required; use deleteAllForStore to empty the store). */
  async deleteMany(storeId: string, filter: FilterQuery<T>): Promise<number> {
    const res = await this.model.deleteMany(this.scope(storeId, filter, 'deleteMany')).exec();
    return res.deletedCount;
  }

  /** Erasure: deletes every document of the store in this collection; returns how many. */
  async deleteAllForStore(storeId: string): Promise<number> {
    assertStoreId(storeId, `${this.model.modelName}.deleteAllForStore`);
    const res = await this.model.deleteMany({ storeId }).exec();
    return res.deletedCount;
  }
}
