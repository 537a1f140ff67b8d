import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const LEGAL_HOLD_MODEL = 'PrivacyLegalHold';
export const LEGAL_HOLD_COLLECTION = 'privacy_legal_holds';

/**
 * A store's legal hold: while `until` is in the future, an erasure keeps the named data classes (and the
 * store's key). One per store (`_id` = storeId). Class `privacy_records`: store erasure never deletes it.
 */
export interface LegalHold extends TimestampFields {
  _id: string;
  storeId: string;
  reason: string;
  dataClasses: string[];
  until: Date;
  placedAt: Date;
}

export const legalHoldSchema = defineStoreScopedSchema<LegalHold>(
  {
    _id: { type: String, required: true },
    reason: { type: String, required: true },
    dataClasses: { type: [String], required: true },
    until: { type: Date, required: true },
    placedAt: { type: Date, required: true },
  },
  { collection: LEGAL_HOLD_COLLECTION },
  { oneDocumentPerStore: true },
);
