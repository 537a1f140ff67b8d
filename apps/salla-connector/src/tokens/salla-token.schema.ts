import { Schema } from 'mongoose';

import type { EncryptedValue } from '@app/contracts';
import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const SALLA_TOKEN_MODEL = 'SallaToken';
export const SALLA_TOKEN_COLLECTION = 'salla_tokens';

/**
 * - `active`: tokens present; the connector may call Salla for the store.
 * - `reauthorization_required`: the refresh token is spent or its fate is unknown; only a new install or
 *   authorization (new tokens through `store`) brings the store back. Nothing calls Salla meanwhile.
 * - `uninstalled`: the merchant removed the app; a token-less tombstone, so nothing calls Salla again.
 */
export type SallaTokenStatus = 'active' | 'reauthorization_required' | 'uninstalled';

/** Why a store needs the merchant to authorize the app again (shown in the activity log). */
export type ReauthorizationReason =
  /** Salla refused the refresh token (`invalid_grant`): spent, expired or revoked. */
  | 'invalid_grant'
  /** A refresh with the current refresh token was sent and its answer never stored; reusing it could get every token revoked. */
  | 'refresh_outcome_unknown'
  /** Salla accepted the refresh token but answered with nothing usable: the token is spent. */
  | 'refresh_answer_unusable';

/** "A refresh with the refresh token whose fingerprint is F was sent to Salla at T": written before the call. */
export interface RefreshAttempt {
  refreshTokenFingerprint: string;
  startedAt: Date;
  /** Lease owner (instance id + attempt id) that sent it; for operators. */
  by: string;
}

/**
 * One document per store, `_id` = the store id, so the read on every Salla call is keyed by `_id` (FerretDB
 * serves only an exact `{_id}` filter from its key; every other filter scans the collection).
 *
 * Tokens are sealed with the store's data key and the `SALLA_*_TOKEN_AAD` labels; the fingerprints (a
 * truncated SHA-256 of a high-entropy token, see token-fingerprint.ts) let the custody compare tokens without
 * opening them and cannot be turned back into a token.
 */
export interface SallaTokenDocument extends TimestampFields {
  _id: string;
  storeId: string;
  status: SallaTokenStatus;
  accessToken?: EncryptedValue;
  accessTokenFingerprint?: string;
  /** Absent when the merchant did not grant `offline_access`. */
  refreshToken?: EncryptedValue;
  refreshTokenFingerprint?: string;
  /** When the access token dies. */
  expiresAt?: Date;
  scopes?: string[];
  /** Set while a refresh is (or was, if its sender died) in flight; cleared when its result is stored. */
  refreshAttempt?: RefreshAttempt;
  /** Fingerprints of refresh tokens already spent, newest last, so a replayed old install cannot bring one back. */
  spentRefreshFingerprints?: string[];
  statusReason?: ReauthorizationReason;
  statusChangedAt?: Date;
  lastRefreshedAt?: Date;
}

const sealedValue = new Schema<EncryptedValue>(
  {
    v: { type: Number, required: true },
    alg: { type: String, required: true },
    keyId: { type: String, required: true },
    iv: { type: String, required: true },
    tag: { type: String, required: true },
    ct: { type: String, required: true },
  },
  { _id: false },
);

const refreshAttempt = new Schema<RefreshAttempt>(
  {
    refreshTokenFingerprint: { type: String, required: true },
    startedAt: { type: Date, required: true },
    by: { type: String, required: true },
  },
  { _id: false },
);

export const sallaTokenSchema = defineStoreScopedSchema<SallaTokenDocument>(
  {
    _id: { type: String, required: true },
    status: {
      type: String,
      required: true,
      enum: ['active', 'reauthorization_required', 'uninstalled'],
    },
    accessToken: { type: sealedValue, default: undefined },
    accessTokenFingerprint: String,
    refreshToken: { type: sealedValue, default: undefined },
    refreshTokenFingerprint: String,
    expiresAt: Date,
    scopes: { type: [String], default: undefined },
    refreshAttempt: { type: refreshAttempt, default: undefined },
    spentRefreshFingerprints: { type: [String], default: undefined },
    statusReason: String,
    statusChangedAt: Date,
    lastRefreshedAt: Date,
  },
  { collection: SALLA_TOKEN_COLLECTION },
  { oneDocumentPerStore: true },
);
// The periodic refresh sweep lists active stores whose token expires soon.
sallaTokenSchema.index({ status: 1, expiresAt: 1 });
