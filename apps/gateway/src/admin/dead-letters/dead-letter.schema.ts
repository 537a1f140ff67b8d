import { Schema } from 'mongoose';

import type { EncryptedValue } from '@app/contracts';
import { baseSchemaOptions } from '@app/persistence';

export const DEAD_LETTER_MODEL = 'AdminDeadLetter';
export const DEAD_LETTER_COLLECTION = 'admin_dead_letters';
export const DEAD_LETTER_ACTION_MODEL = 'AdminDeadLetterAction';
export const DEAD_LETTER_ACTION_COLLECTION = 'admin_dead_letter_actions';

export type DeadLetterState = 'parked' | 'replayed' | 'discarded';

/**
 * Index of one message on a `*.dlt` topic: where it sits and why it failed (from the `x-dlt-*` headers) —
 * never its payload in clear, which may hold personal data. The original key, value and headers are kept
 * sealed with the store's data key (`sealed`), so replay needs no re-read of the DLT and a store's erasure
 * (key shredded) makes its dead letters unreplayable along with everything else.
 *
 * Not a store-scoped collection: a message so broken that no store can be read from it is still a dead
 * letter ops must see, and ops lists dead letters across stores. `storeId` is set whenever it is known
 * (from the envelope, or the key's `storeId:` prefix), so erasure removes a store's entries.
 */
export interface DeadLetter {
  dltTopic: string;
  dltPartition: number;
  dltOffset: string;
  sourceTopic: string;
  sourcePartition?: number;
  sourceOffset?: string;
  key?: string;
  storeId?: string;
  reason: string;
  attempts: number;
  service: string;
  failedAt: Date;
  indexedAt: Date;
  state: DeadLetterState;
  sealed?: EncryptedValue;
  stateChangedAt?: Date;
  stateChangedBy?: string;
  discardReason?: string;
}

export const deadLetterSchema = new Schema<DeadLetter>(
  {
    dltTopic: { type: String, required: true },
    dltPartition: { type: Number, required: true },
    dltOffset: { type: String, required: true },
    sourceTopic: { type: String, required: true },
    sourcePartition: Number,
    sourceOffset: String,
    key: String,
    storeId: String,
    reason: { type: String, required: true },
    attempts: { type: Number, required: true },
    service: { type: String, required: true },
    failedAt: { type: Date, required: true },
    indexedAt: { type: Date, required: true },
    state: { type: String, required: true, enum: ['parked', 'replayed', 'discarded'] },
    sealed: { type: Schema.Types.Mixed },
    stateChangedAt: Date,
    stateChangedBy: String,
    discardReason: String,
  },
  { ...baseSchemaOptions, timestamps: false, collection: DEAD_LETTER_COLLECTION },
);
// A redelivered DLT message is indexed once.
deadLetterSchema.index({ dltTopic: 1, dltPartition: 1, dltOffset: 1 }, { unique: true });
deadLetterSchema.index({ storeId: 1, failedAt: -1 });
deadLetterSchema.index({ sourceTopic: 1, failedAt: -1 });

/**
 * The one terminal action (replay or discard) taken on a dead letter. Its unique `deadLetterId` is the lock:
 * two operators pressing "replay" at once publish once (FerretDB's findOneAndUpdate is not atomic).
 */
export interface DeadLetterAction {
  deadLetterId: string;
  action: 'replay' | 'discard';
  by: string;
  at: Date;
  storeId?: string;
}

export const deadLetterActionSchema = new Schema<DeadLetterAction>(
  {
    deadLetterId: { type: String, required: true },
    action: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    storeId: String,
  },
  { ...baseSchemaOptions, timestamps: false, collection: DEAD_LETTER_ACTION_COLLECTION },
);
deadLetterActionSchema.index({ deadLetterId: 1 }, { unique: true });
