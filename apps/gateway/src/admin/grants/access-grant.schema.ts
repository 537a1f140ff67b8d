import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const ACCESS_GRANT_MODEL = 'AdminAccessGrant';
export const ACCESS_GRANT_COLLECTION = 'admin_access_grants';

/** Longest a grant may run: a week of support, then the merchant (or ops) must say so again. */
export const MAX_GRANT_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A support-access grant for one store: while it is unexpired and not revoked, support agents may see the
 * store's business data. Granted by the merchant (signed link) or by ops with a written reason.
 */
export interface AccessGrant extends TimestampFields {
  storeId: string;
  /** Public id: the merchant token's nonce (so a link is redeemed once) or a random UUID. */
  grantId: string;
  source: 'merchant' | 'operator';
  /** `role:name` of the operator, or `merchant`. */
  grantedBy: string;
  reason: string;
  expiresAt: Date;
  revokedAt?: Date;
  revokedBy?: string;
}

export const accessGrantSchema = defineStoreScopedSchema<AccessGrant>(
  {
    grantId: { type: String, required: true },
    source: { type: String, required: true, enum: ['merchant', 'operator'] },
    grantedBy: { type: String, required: true },
    reason: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date },
    revokedBy: { type: String },
  },
  { collection: ACCESS_GRANT_COLLECTION },
);
accessGrantSchema.index({ storeId: 1, grantId: 1 }, { unique: true });
accessGrantSchema.index({ storeId: 1, expiresAt: -1 });
