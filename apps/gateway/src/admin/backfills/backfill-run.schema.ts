import { defineStoreScopedSchema } from '@app/persistence';

export const BACKFILL_REQUEST_MODEL = 'AdminBackfillRequest';
export const BACKFILL_REQUEST_COLLECTION = 'admin_backfill_requests';
export const BACKFILL_PROGRESS_MODEL = 'AdminBackfillProgress';
export const BACKFILL_PROGRESS_COLLECTION = 'admin_backfill_progress';

/** A resync asked for through the admin API: so its run id is known before the connector reports. */
export interface BackfillRequest {
  storeId: string;
  runId: string;
  requestedBy: string;
  resources: string[];
  ordersSince?: string;
  requestedAt: Date;
}

/** The latest `ops.backfill.progress.v1` of one run and resource (any run, not only the admin's). */
export interface BackfillProgressEntry {
  storeId: string;
  runId: string;
  resource: string;
  state: string;
  done: number;
  total?: number;
  message?: string;
  updatedAt: Date;
}

export const backfillRequestSchema = defineStoreScopedSchema<BackfillRequest>(
  {
    runId: { type: String, required: true },
    requestedBy: { type: String, required: true },
    resources: { type: [String], default: [] },
    ordersSince: String,
    requestedAt: { type: Date, required: true },
  },
  { collection: BACKFILL_REQUEST_COLLECTION, timestamps: false },
);
backfillRequestSchema.index({ storeId: 1, runId: 1 }, { unique: true });

export const backfillProgressSchema = defineStoreScopedSchema<BackfillProgressEntry>(
  {
    runId: { type: String, required: true },
    resource: { type: String, required: true },
    state: { type: String, required: true },
    done: { type: Number, required: true },
    total: Number,
    message: String,
    updatedAt: { type: Date, required: true },
  },
  // `updatedAt` is the producer's time, not mongoose's: timestamps off.
  { collection: BACKFILL_PROGRESS_COLLECTION, timestamps: false },
);
backfillProgressSchema.index({ storeId: 1, runId: 1, resource: 1 }, { unique: true });
