import { Schema } from 'mongoose';

import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const KEY_ROTATION_MODEL = 'PrivacyKeyRotation';
export const KEY_ROTATION_COLLECTION = 'privacy_key_rotations';

/**
 * - `received`: recorded, key not rotated yet (a redelivery of the request finishes it).
 * - `settling`: the new version is active; other instances may still seal with the old one from their key
 *   cache until `announceAfter`, so nobody is asked to re-encrypt before then.
 * - `reencrypting`: announced; waiting for every expected service's report.
 * - `retiring`: every service re-encrypted what it stores; the retired versions still open what Kafka holds
 *   (unconsumed messages, dead letters) until `removeRetiredAfter`.
 * - `completed`: the retired versions were removed.
 * - `skipped`: the store had no active key (never had one, or it was shredded): nothing to rotate.
 */
export const KEY_ROTATION_STATUSES = [
  'received',
  'settling',
  'reencrypting',
  'retiring',
  'completed',
  'skipped',
] as const;
export type KeyRotationStatus = (typeof KEY_ROTATION_STATUSES)[number];

/** One service's report as kept (counts and kinds; never a value). */
export interface StoredReencryptionReport {
  outcome: string;
  reencryptedCount: number;
  details?: string;
  completedAt: Date;
  receivedAt: Date;
}

/** A store data-key rotation requested through the admin API; `_id` is the request id. No secrets. */
export interface KeyRotation extends TimestampFields {
  _id: string;
  storeId: string;
  requestedBy: string;
  reason: string;
  requestedAt: Date;
  status: KeyRotationStatus;
  activeKeyId?: string;
  retiredKeyIds: string[];
  rotatedAt?: Date;
  announceAfter?: Date;
  /** When the retired versions are removed (PRIVACY_RETIRED_KEY_KEEP_MS after every service re-encrypted). */
  removeRetiredAfter?: Date;
  lastAnnouncedAt?: Date;
  announceAttempts: number;
  expectedServices: string[];
  reports: Record<string, StoredReencryptionReport>;
  removedKeyIds: string[];
  completedAt?: Date;
}

export const keyRotationSchema = defineStoreScopedSchema<KeyRotation>(
  {
    _id: { type: String, required: true },
    requestedBy: { type: String, required: true },
    reason: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    status: { type: String, required: true, enum: KEY_ROTATION_STATUSES },
    activeKeyId: String,
    retiredKeyIds: { type: [String], default: [] },
    rotatedAt: Date,
    announceAfter: Date,
    removeRetiredAfter: Date,
    lastAnnouncedAt: Date,
    announceAttempts: { type: Number, default: 0 },
    expectedServices: { type: [String], required: true },
    reports: { type: Schema.Types.Mixed, default: {} },
    removedKeyIds: { type: [String], default: [] },
    completedAt: Date,
  },
  { collection: KEY_ROTATION_COLLECTION, minimize: false },
);
// The scheduler's scan for rotations to announce or finish (across stores).
keyRotationSchema.index({ status: 1 });
