import type { BackfillResource } from '@app/contracts';
import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const BACKFILL_RUN_MODEL = 'BackfillRun';

export type BackfillRunState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Where one resource of a run stands: the checkpoint a restarted run resumes from. */
export interface ResourceProgress {
  state: 'pending' | 'running' | 'completed' | 'failed';
  /** Last page fully emitted (0 = none yet); a resumed run starts at page + 1. */
  page: number;
  /** Records emitted so far. */
  done: number;
  /** What Salla's pagination says there is; null until the first page. */
  total: number | null;
  /** Records that could not be mapped (each has an activity-log line). */
  failed: number;
}

/**
 * One backfill of one store: read every resource from Salla page by page and emit it on the backfill topics.
 * Checkpointed after every page, so an instance that dies mid-way leaves a run another instance resumes.
 */
export interface BackfillRun extends TimestampFields {
  /** `<storeId>:<runId>`: a repeated request with the same run id finds the same run. */
  _id: string;
  storeId: string;
  runId: string;
  resources: BackfillResource[];
  ordersSince: Date;
  requestedBy: string;
  state: BackfillRunState;
  progress: Partial<Record<BackfillResource, ResourceProgress>>;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  /** Why the run failed or was cancelled, in plain words. */
  message?: string | null;
}

export function backfillRunId(storeId: string, runId: string): string {
  return `${storeId}:${runId}`;
}

export const backfillRunSchema = defineStoreScopedSchema<BackfillRun>(
  {
    _id: { type: String, required: true },
    runId: { type: String, required: true },
    resources: { type: [String], required: true },
    ordersSince: { type: Date, required: true },
    requestedBy: { type: String, required: true },
    state: {
      type: String,
      required: true,
      enum: ['pending', 'running', 'completed', 'failed', 'cancelled'],
    },
    progress: { type: Object, default: {} },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    message: { type: String, default: null },
  },
  { collection: 'salla_backfill_runs', minimize: false },
);
// The worker's scan for runs to do (across stores), and the admin view of a store's runs.
backfillRunSchema.index({ state: 1, createdAt: 1 });
backfillRunSchema.index({ storeId: 1, createdAt: -1 });
