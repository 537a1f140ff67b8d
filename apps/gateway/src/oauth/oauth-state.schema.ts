import { Schema } from 'mongoose';

import { baseSchemaOptions, type TimestampFields } from '@app/persistence';

export const OAUTH_STATE_MODEL = 'OAuthState';
export const OAUTH_STATE_COLLECTION = 'oauth_states';
export const OAUTH_STATE_USE_MODEL = 'OAuthStateUse';
export const OAUTH_STATE_USE_COLLECTION = 'oauth_state_uses';

/** A state is good for this long after it was issued; older ones are refused and then swept. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/**
 * One CSRF `state` issued by `GET /oauth/salla/install`.
 *
 * Deliberately NOT store-scoped: the state is created before the merchant has authorised anything, so there
 * is no store id yet (Salla tells us which store it was only after the code exchange). The document holds
 * no personal data — a random value and timestamps — and lives at most `OAUTH_STATE_TTL_MS` plus one sweep
 * interval.
 */
export interface OAuthState extends TimestampFields {
  /** Random lowercase hex, no hyphens (Salla strips hyphens from `state`). */
  state: string;
  /** When a callback consumed it (informational; single use is enforced by `OAuthStateUse`). */
  usedAt: Date | null;
}

export const oauthStateSchema = new Schema<OAuthState>(
  {
    state: { type: String, required: true },
    usedAt: { type: Date, default: null },
  },
  { ...baseSchemaOptions },
);
oauthStateSchema.index({ state: 1 }, { unique: true });
// Retention is a sweep on createdAt (no TTL index: FerretDB cannot build them).
oauthStateSchema.index({ createdAt: 1 });

/**
 * The one use of a state. Single use rests on this collection's unique index, not on a conditional update:
 * `findOneAndUpdate({ state, usedAt: null })` is atomic on MongoDB but not on FerretDB (two racing callbacks
 * both matched in the integration test), whereas a unique-index insert is refused for the loser on both.
 */
export interface OAuthStateUse extends TimestampFields {
  state: string;
}

export const oauthStateUseSchema = new Schema<OAuthStateUse>(
  { state: { type: String, required: true } },
  { ...baseSchemaOptions },
);
oauthStateUseSchema.index({ state: 1 }, { unique: true });
oauthStateUseSchema.index({ createdAt: 1 });
