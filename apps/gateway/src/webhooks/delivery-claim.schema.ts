import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const DELIVERY_CLAIM_MODEL = 'WebhookDeliveryClaim';

/**
 * One webhook delivery the gateway has taken responsibility for, identified by the SHA-256 of its raw body
 * (Salla sends no delivery id; a retry repeats the same bytes). Holds no part of the body: only the hash, the
 * event name and timestamps.
 *
 * - `pending`: claimed, publish to Kafka in flight (or the instance died mid-way: taken over after a while).
 * - `published`: Kafka acknowledged it; a later copy is a duplicate.
 *
 * A failed publish deletes the claim, so Salla's retry is processed, not mistaken for a duplicate. Claims are
 * swept after WEBHOOK_DEDUPE_RETENTION_DAYS (a sweep, not a TTL index: FerretDB cannot build those).
 */
export interface DeliveryClaim extends TimestampFields {
  /** `<storeId>:<bodySha256>` (see `deliveryClaimId`): the claim's identity, store id included. */
  _id: string;
  storeId: string;
  bodySha256: string;
  event: string;
  status: 'pending' | 'published';
  /** When the current owner claimed it; a takeover moves it forward (and is conditional on it). */
  claimedAt: Date;
  publishedAt?: Date | null;
}

export const deliveryClaimSchema = defineStoreScopedSchema<DeliveryClaim>(
  {
    _id: { type: String, required: true },
    bodySha256: { type: String, required: true },
    event: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'published'] },
    claimedAt: { type: Date, required: true },
    publishedAt: { type: Date, default: null },
  },
  { collection: 'webhook_delivery_claims' },
);
/**
 * A claim's `_id`. Deterministic so the hot-path write (mark published) can address the claim by `_id` alone:
 * FerretDB (the test database) serves only an exact `{_id}` filter by key for updates and scans the whole
 * collection for any other filter (~11 ms per update at 5k claims, growing); MongoDB is fast either way. The
 * store id is part of the key, so such a write still touches only that store's document.
 */
export function deliveryClaimId(storeId: string, bodySha256: string): string {
  return `${storeId}:${bodySha256}`;
}

// The dedupe guarantee: one claim per delivery, whichever instance and however concurrent.
deliveryClaimSchema.index({ storeId: 1, bodySha256: 1 }, { unique: true });
// The retention sweep's range scan (across stores).
deliveryClaimSchema.index({ claimedAt: 1 });
