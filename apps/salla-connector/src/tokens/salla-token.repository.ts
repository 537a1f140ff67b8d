import type { FilterQuery, Model, UpdateQuery } from 'mongoose';

import type { EncryptedValue } from '@app/contracts';
import {
  assertStoreId,
  assertUpdateKeepsScope,
  isDuplicateKeyError,
  StoreScopedRepository,
} from '@app/persistence';

import type { ReauthorizationReason, RefreshAttempt, SallaTokenDocument } from './salla-token.schema';

/** A token set as stored: sealed values plus their fingerprints. */
export interface SealedTokenSet {
  accessToken: EncryptedValue;
  accessTokenFingerprint: string;
  refreshToken?: EncryptedValue;
  refreshTokenFingerprint?: string;
  expiresAt: Date;
  scopes: string[];
}

/** How many spent refresh-token fingerprints a store remembers (a replayed install is at most a few back). */
const SPENT_FINGERPRINTS_KEPT = 10;

const TOKEN_FIELDS_UNSET = {
  accessToken: 1,
  accessTokenFingerprint: 1,
  refreshToken: 1,
  refreshTokenFingerprint: 1,
  expiresAt: 1,
} as const;

/**
 * The `salla_tokens` collection. Reads go by `_id` (= store id, checked non-blank first) so they are keyed
 * even on FerretDB; every write is scoped with `storeId` and, where it must not clobber a concurrent change,
 * conditional on the refresh-token fingerprint it was computed from.
 */
export class SallaTokenRepository extends StoreScopedRepository<SallaTokenDocument> {
  constructor(model: Model<SallaTokenDocument>) {
    super(model);
  }

  async get(storeId: string): Promise<SallaTokenDocument | null> {
    assertStoreId(storeId, `${this.model.modelName}.get`);
    const doc = await this.model.findOne({ _id: storeId }).lean<SallaTokenDocument>().exec();
    return doc && doc.storeId === storeId ? doc : null;
  }

  /** Creates or replaces the store's tokens and makes it `active` (install, app update, reinstall). */
  async saveTokens(storeId: string, tokens: SealedTokenSet, now: Date): Promise<void> {
    const unset: Record<string, 1> = { refreshAttempt: 1, statusReason: 1 };
    if (!tokens.refreshToken) Object.assign(unset, { refreshToken: 1, refreshTokenFingerprint: 1 });
    await this.#upsert(storeId, {
      $set: { ...withoutUndefined(tokens), status: 'active', statusChangedAt: now },
      $unset: unset,
    });
  }

  /** Deletes every token at once and leaves a token-less `uninstalled` tombstone. */
  async markUninstalled(storeId: string, now: Date): Promise<void> {
    await this.#upsert(storeId, {
      $set: { status: 'uninstalled', statusChangedAt: now },
      $unset: {
        ...TOKEN_FIELDS_UNSET,
        scopes: 1,
        refreshAttempt: 1,
        spentRefreshFingerprints: 1,
        statusReason: 1,
        lastRefreshedAt: 1,
      },
    });
  }

  /** Writes the "refresh attempted" marker; false when the tokens changed since they were read. */
  async markRefreshAttempt(storeId: string, attempt: RefreshAttempt): Promise<boolean> {
    return this.#conditional(
      storeId,
      { status: 'active', refreshTokenFingerprint: attempt.refreshTokenFingerprint },
      { $set: { refreshAttempt: attempt } },
    );
  }

  /** Removes the marker of a refresh that provably issued nothing, so the same refresh token may be sent again. */
  async clearRefreshAttempt(storeId: string, refreshTokenFingerprint: string): Promise<boolean> {
    return this.#conditional(
      storeId,
      { 'refreshAttempt.refreshTokenFingerprint': refreshTokenFingerprint },
      { $unset: { refreshAttempt: 1 } },
    );
  }

  /**
   * Stores the tokens a refresh with `spentFingerprint` produced, unless the store was uninstalled or got
   * other tokens (a new install) meanwhile; then false and the caller re-reads. Revives a store that another
   * instance gave up on (`reauthorization_required` after a presumed death): these tokens are the good ones.
   */
  async saveRefreshed(
    storeId: string,
    spentFingerprint: string,
    previouslySpent: string[],
    tokens: SealedTokenSet,
    now: Date,
  ): Promise<boolean> {
    const unset: Record<string, 1> = { refreshAttempt: 1, statusReason: 1 };
    if (!tokens.refreshToken) Object.assign(unset, { refreshToken: 1, refreshTokenFingerprint: 1 });
    const spent = [...previouslySpent.filter((f) => f !== spentFingerprint), spentFingerprint];
    return this.#conditional(
      storeId,
      { refreshTokenFingerprint: spentFingerprint, status: { $ne: 'uninstalled' } },
      {
        $set: {
          ...withoutUndefined(tokens),
          status: 'active',
          lastRefreshedAt: now,
          spentRefreshFingerprints: spent.slice(-SPENT_FINGERPRINTS_KEPT),
        },
        $unset: unset,
      },
    );
  }

  /**
   * `active` → `reauthorization_required`, deleting the tokens (useless now) but keeping the refresh-token
   * fingerprint, so a refresher presumed dead that does come back can still store its result. True only for
   * the call that made the transition (so the activity log hears of it once).
   */
  async markReauthorizationRequired(
    storeId: string,
    refreshTokenFingerprint: string,
    reason: ReauthorizationReason,
    now: Date,
  ): Promise<boolean> {
    return this.#conditional(
      storeId,
      { status: 'active', refreshTokenFingerprint },
      {
        $set: { status: 'reauthorization_required', statusReason: reason, statusChangedAt: now },
        $unset: {
          accessToken: 1,
          accessTokenFingerprint: 1,
          refreshToken: 1,
          expiresAt: 1,
          refreshAttempt: 1,
        },
      },
    );
  }

  /**
   * Store ids (only the ids) of active, refreshable stores whose access token expires before `cutoff`, soonest first:
   * the one cross-store read, for the periodic refresh sweep; each store is then handled in its own scope.
   */
  async storesExpiringBefore(cutoff: Date, limit: number): Promise<string[]> {
    const docs = await this.model
      .find({ status: 'active', expiresAt: { $lt: cutoff }, refreshTokenFingerprint: { $exists: true } })
      .sort({ expiresAt: 1 })
      .limit(limit)
      .select({ storeId: 1 })
      .lean<Array<{ storeId: string }>>()
      .exec();
    return docs.map((d) => d.storeId);
  }

  async #conditional(
    storeId: string,
    condition: FilterQuery<SallaTokenDocument>,
    update: UpdateQuery<SallaTokenDocument>,
  ): Promise<boolean> {
    const filter = this.scope(storeId, { _id: storeId, ...condition }, 'conditionalUpdate');
    assertUpdateKeepsScope(storeId, update, `${this.model.modelName}.conditionalUpdate`);
    const res = await this.model.updateOne(filter, update).exec();
    return res.modifiedCount === 1;
  }

  /** Upsert of the store's one document; a concurrent first insert (duplicate `_id`) is retried as an update. */
  async #upsert(storeId: string, update: UpdateQuery<SallaTokenDocument>): Promise<void> {
    const filter = this.scope(storeId, { _id: storeId }, 'upsert');
    assertUpdateKeepsScope(storeId, update, `${this.model.modelName}.upsert`);
    const run = () => this.model.updateOne(filter, update, { upsert: true, runValidators: true }).exec();
    try {
      await run();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      await run();
    }
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
