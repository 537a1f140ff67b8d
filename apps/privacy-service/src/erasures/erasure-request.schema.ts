import { Schema } from 'mongoose';

import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const ERASURE_REQUEST_MODEL = 'PrivacyErasureRequest';
export const ERASURE_REQUEST_COLLECTION = 'privacy_erasure_requests';

export const ERASURE_STATUSES = ['received', 'in_progress', 'completed', 'failed'] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/** One service's receipt as kept in the request (counts and kinds of records; no personal data). */
export interface StoredReceipt {
  outcome: string;
  erasedCount: number;
  details?: string;
  keyShredded?: boolean;
  keptDataClasses?: string[];
  keptCount?: number;
  completedAt: Date;
  receivedAt: Date;
}

/**
 * A store-scope erasure request and, once complete, its receipt: what each service erased, what a legal
 * hold kept and why, whether the store's key is shredded, and when. `_id` is the request id (the
 * idempotency key). Holds the store id and counts only — no personal data — and has class
 * `privacy_records`, so the erasure it records never deletes it.
 */
export interface ErasureRequest extends TimestampFields {
  _id: string;
  storeId: string;
  source: 'api' | 'uninstall';
  reason?: string;
  status: ErasureStatus;
  receivedAt: Date;
  dueBy: Date;
  startedAt?: Date;
  completedAt?: Date;
  expectedServices: string[];
  receipts: Record<string, StoredReceipt>;
  heldDataClasses: string[];
  legalHoldReason?: string;
  legalHoldUntil?: Date;
  publishAttempts: number;
  lastPublishedAt?: Date;
  keyShredded: boolean;
  timedOutAt?: Date;
  failure?: string;
  /**
   * Set when a full erasure completes: at this time the watchdog asks every service to erase the store once
   * more, removing what handlers still busy with earlier events wrote after their eraser ran. Unset once done.
   */
  lateSweepDueAt?: Date;
  lateSweepPublishedAt?: Date;
  /** Why the late sweep was not requested (the store was reinstalled before it was due). */
  lateSweepSkipped?: string;
  /** Documents the late sweep removed, per service (late writes; 0 when nothing came late). */
  lateWritesRemoved: Record<string, number>;
}

export const erasureRequestSchema = defineStoreScopedSchema<ErasureRequest>(
  {
    _id: { type: String, required: true },
    source: { type: String, required: true, enum: ['api', 'uninstall'] },
    reason: { type: String },
    status: { type: String, required: true, enum: ERASURE_STATUSES },
    receivedAt: { type: Date, required: true },
    dueBy: { type: Date, required: true },
    startedAt: { type: Date },
    completedAt: { type: Date },
    expectedServices: { type: [String], required: true },
    receipts: { type: Schema.Types.Mixed, default: {} },
    heldDataClasses: { type: [String], default: [] },
    legalHoldReason: { type: String },
    legalHoldUntil: { type: Date },
    publishAttempts: { type: Number, default: 0 },
    lastPublishedAt: { type: Date },
    keyShredded: { type: Boolean, default: false },
    timedOutAt: { type: Date },
    failure: { type: String },
    lateSweepDueAt: { type: Date },
    lateSweepPublishedAt: { type: Date },
    lateSweepSkipped: { type: String },
    lateWritesRemoved: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: ERASURE_REQUEST_COLLECTION, minimize: false },
);
// The watchdog's scan for open requests (across stores).
erasureRequestSchema.index({ status: 1 });
// The watchdog's scan for due late-write sweeps (only completed requests still waiting for one have it).
erasureRequestSchema.index({ lateSweepDueAt: 1 }, { sparse: true });
