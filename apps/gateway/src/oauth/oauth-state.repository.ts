import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, isDuplicateKeyError, sweepOlderThan, type SweepResult } from '@app/persistence';

import {
  OAUTH_STATE_MODEL,
  OAUTH_STATE_TTL_MS,
  OAUTH_STATE_USE_MODEL,
  type OAuthState,
  type OAuthStateUse,
} from './oauth-state.schema';

/** Why a presented state was not accepted, or that it was (and is now spent). */
export type StateCheck = 'consumed' | 'unknown' | 'reused' | 'expired';

/** 32 random bytes as hex: 64 characters, no hyphens to lose. */
const STATE_BYTES = 32;

/**
 * Salla strips hyphens from `state`, so hyphens never take part in a comparison. Anything that is not a
 * plain string of letters and digits afterwards (an array from a repeated query parameter, an object,
 * something huge) cannot be one of ours and is never sent to the database.
 */
export function normaliseState(presented: unknown): string | null {
  if (typeof presented !== 'string') return null;
  const state = presented.replace(/-/g, '').toLowerCase();
  return /^[0-9a-z]{16,256}$/.test(state) ? state : null;
}

/** Server-side CSRF states for the custom-mode install: issued once, consumed once, short-lived. */
@Injectable()
export class OAuthStateRepository {
  constructor(
    @InjectModel(OAUTH_STATE_MODEL) private readonly states: Model<OAuthState>,
    @InjectModel(OAUTH_STATE_USE_MODEL) private readonly uses: Model<OAuthStateUse>,
  ) {}

  /** Creates and stores a fresh state. */
  async issue(): Promise<string> {
    const state = randomBytes(STATE_BYTES).toString('hex');
    await this.states.create({ state, usedAt: null });
    return state;
  }

  /**
   * Consumes the state: it must exist, be fresh (createdAt within `OAUTH_STATE_TTL_MS`) and never have been
   * used. The use is recorded by an insert under a unique index, so of two callbacks racing with the same
   * state exactly one gets `consumed` — on MongoDB and on FerretDB alike.
   */
  async consume(presented: unknown, now = new Date()): Promise<StateCheck> {
    const state = normaliseState(presented);
    if (state === null) return 'unknown';
    const issued = await this.states.findOne({ state }).lean().exec();
    if (!issued) return 'unknown';
    try {
      await this.uses.create({ state });
    } catch (err) {
      if (isDuplicateKeyError(err)) return 'reused';
      throw err;
    }
    // Spent either way: an expired state is not revived by a later attempt.
    await this.states.updateOne({ state }, { $set: { usedAt: now } }).exec();
    const freshSince = now.getTime() - OAUTH_STATE_TTL_MS;
    return issued.createdAt && issued.createdAt.getTime() >= freshSince ? 'consumed' : 'expired';
  }

  /**
   * Deletes states (and their uses) older than the state lifetime. A reuse of a swept state then reads as
   * "unknown", which is refused all the same. These collections have no store id, hence `allStores`.
   */
  async sweepExpired(now = new Date()): Promise<SweepResult> {
    const cutoff = new Date(now.getTime() - OAUTH_STATE_TTL_MS);
    const options = { allStores: true, maxBatches: 20 } as const;
    const states = await sweepOlderThan(this.states, 'createdAt', cutoff, options);
    // A use is always younger than its state: sweeping it after the same cutoff keeps the pair consistent.
    const uses = await sweepOlderThan(this.uses, 'createdAt', cutoff, options);
    return {
      deleted: states.deleted + uses.deleted,
      batches: states.batches + uses.batches,
      truncated: states.truncated || uses.truncated,
    };
  }
}
