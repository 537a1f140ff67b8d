import { randomBytes } from 'node:crypto';

import { Model, Schema } from 'mongoose';

import { isDuplicateKeyError } from './duplicate-key';
import type { MongoConnection } from './mongo-connection';
import { baseSchemaOptions } from './store-scoped-schema';

export const LEASE_MODEL = 'Lease';
export const LEASE_COLLECTION = 'leases';

/**
 * One held lease. The lock is the unique index on `key`; `_id` names this particular holding (a fresh random
 * id per acquisition, never reused). Every write that removes or changes a holding addresses it by that `_id`:
 * FerretDB runs a delete or update as "read the matching documents, then write them by `_id`" in two separate
 * steps, so a conditional delete on `{ _id: key, owner, expiresAt }` could remove a lease another instance
 * had just re-created under the same `_id`. With a per-holding `_id`, a stale write can only ever hit the
 * stale holding.
 */
export interface LeaseDocument {
  _id: string;
  key: string;
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

/** Who holds a lease now (an expired holding is reported as nobody). */
export interface LeaseHolder {
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export const leaseSchema = new Schema<LeaseDocument>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true, unique: true },
    owner: { type: String, required: true },
    acquiredAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...baseSchemaOptions, timestamps: false, collection: LEASE_COLLECTION },
);

/** Registers the lease model (collection `leases`) on the service's connection. */
export function registerLeaseModel(mongo: MongoConnection): Model<LeaseDocument> {
  return mongo.model<LeaseDocument>(LEASE_MODEL, leaseSchema, { collection: LEASE_COLLECTION });
}

export interface MongoLeasesOptions {
  /** Current time; tests pass a controllable clock. Default `() => new Date()`. */
  clock?: () => Date;
}

/**
 * Named, time-limited, exclusive ownership shared by every instance of a service: "only one instance
 * refreshes store 42's token", "only one instance runs this backfill". A holder must finish (or `renew`)
 * before `ttlMs` passes; after that any instance may take the lease over, which is what frees a lease whose
 * holder died.
 *
 * Keys are free-form; a store-scoped lease puts the store id in its key (`salla-token-refresh:<storeId>`).
 * Works on MongoDB 7 and FerretDB: no transactions, no findOneAndUpdate (not atomic on FerretDB), no TTL
 * index (released leases are deleted, expired ones are replaced by the next acquirer).
 */
export class MongoLeases {
  readonly #model: Model<LeaseDocument>;
  readonly #clock: () => Date;

  constructor(model: Model<LeaseDocument>, options: MongoLeasesOptions = {}) {
    this.#model = model;
    this.#clock = options.clock ?? (() => new Date());
  }

  /**
   * Takes the lease for `ttlMs` if nobody holds it (or its holder let it expire). True when `owner` holds it
   * afterwards: of any number of concurrent callers with different owners exactly one gets true. Calling it
   * again as the current holder extends the lease (like `renew`).
   */
  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    check(key, owner, ttlMs, 'tryAcquire');
    // Bounded: each round either wins, loses to a live holder, or removed an expired/vanished holding.
    for (let round = 0; round < 3; round++) {
      const now = this.#clock();
      try {
        await this.#model.create({
          _id: randomBytes(12).toString('base64url'),
          key,
          owner,
          acquiredAt: now,
          expiresAt: new Date(now.getTime() + ttlMs),
        });
        return true;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      const current = await this.#current(key);
      if (!current) continue; // released between our insert and our read: try again
      if (current.expiresAt.getTime() > now.getTime()) {
        return current.owner === owner ? this.#extend(current, owner, ttlMs) : false;
      }
      // Expired: remove exactly that holding, then race for a fresh insert. Two instances doing this at once
      // both delete the same stale holding (one of them deletes nothing); the unique key lets one insert win.
      await this.#model.deleteOne({ _id: current._id }).exec();
    }
    return false;
  }

  /**
   * Pushes the expiry of `owner`'s live lease to now + `ttlMs`. False when `owner` does not hold it, or the
   * lease already expired (then another instance may have taken it over: acquire again instead).
   */
  async renew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    check(key, owner, ttlMs, 'renew');
    const current = await this.#current(key);
    if (!current || current.owner !== owner) return false;
    if (current.expiresAt.getTime() <= this.#clock().getTime()) return false;
    return this.#extend(current, owner, ttlMs);
  }

  /** Gives the lease up if `owner` holds it; anybody else's release does nothing. True when it was released. */
  async release(key: string, owner: string): Promise<boolean> {
    check(key, owner, 1, 'release');
    const current = await this.#current(key);
    if (!current || current.owner !== owner) return false;
    const res = await this.#model.deleteOne({ _id: current._id }).exec();
    return res.deletedCount === 1;
  }

  /** The live holder of `key`, or null when it is free (never taken, released, or expired). */
  async holder(key: string): Promise<LeaseHolder | null> {
    if (typeof key !== 'string' || key.trim() === '')
      throw new Error('lease holder: key must be a non-empty string');
    const current = await this.#current(key);
    if (!current || current.expiresAt.getTime() <= this.#clock().getTime()) return null;
    return { owner: current.owner, acquiredAt: current.acquiredAt, expiresAt: current.expiresAt };
  }

  #current(key: string): Promise<LeaseDocument | null> {
    return this.#model.findOne({ key }).lean<LeaseDocument>().exec();
  }

  /**
   * Moves the expiry of one holding, conditional on it being unchanged. FerretDB reports an update as done
   * even when the document vanished between its read and its write, so the holding is read back by `_id`.
   */
  async #extend(current: LeaseDocument, owner: string, ttlMs: number): Promise<boolean> {
    const expiresAt = new Date(this.#clock().getTime() + ttlMs);
    const res = await this.#model
      .updateOne({ _id: current._id, owner, expiresAt: current.expiresAt }, { $set: { expiresAt } })
      .exec();
    if (res.modifiedCount !== 1) return false;
    const after = await this.#model.findOne({ _id: current._id }).lean<LeaseDocument>().exec();
    return after !== null && after.owner === owner;
  }
}

function check(key: unknown, owner: unknown, ttlMs: unknown, operation: string): void {
  if (typeof key !== 'string' || key.trim() === '')
    throw new Error(`lease ${operation}: key must be a non-empty string`);
  if (typeof owner !== 'string' || owner.trim() === '')
    throw new Error(`lease ${operation}: owner must be a non-empty string`);
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new Error(`lease ${operation}: ttlMs must be a positive number of milliseconds`);
}
