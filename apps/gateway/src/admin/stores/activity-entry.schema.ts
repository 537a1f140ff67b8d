import { defineStoreScopedSchema } from '@app/persistence';

export const ACTIVITY_MODEL = 'AdminActivityEntry';
export const ACTIVITY_COLLECTION = 'admin_activity';

/** One line of a store's activity log: an `ops.sync.result.v1` event, stored once per event id. */
export interface ActivityEntry {
  storeId: string;
  eventId: string;
  service: string;
  direction: string;
  entityType: string;
  entityId: string;
  outcome: string;
  message?: string;
  errorCode?: string;
  correlationId?: string;
  attempt?: number;
  durationMs: number;
  occurredAt: Date;
}

export const activityEntrySchema = defineStoreScopedSchema<ActivityEntry>(
  {
    eventId: { type: String, required: true },
    service: { type: String, required: true },
    direction: { type: String, required: true },
    entityType: { type: String, required: true },
    entityId: { type: String, required: true },
    outcome: { type: String, required: true },
    message: String,
    errorCode: String,
    correlationId: String,
    attempt: Number,
    durationMs: { type: Number, required: true },
    occurredAt: { type: Date, required: true },
  },
  { collection: ACTIVITY_COLLECTION, timestamps: false },
);
// The unique index is the idempotency claim: a redelivered result is refused, so counters move once.
activityEntrySchema.index({ storeId: 1, eventId: 1 }, { unique: true });
activityEntrySchema.index({ storeId: 1, occurredAt: -1 });
