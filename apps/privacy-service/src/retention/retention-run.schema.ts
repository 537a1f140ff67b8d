import { Schema } from 'mongoose';

import { baseSchemaOptions, type TimestampFields } from '@app/persistence';

export const RETENTION_RUN_MODEL = 'PrivacyRetentionRun';
export const RETENTION_RUN_COLLECTION = 'privacy_retention_runs';

export interface ServiceSweepReport {
  outcome: string;
  counts: Array<{ dataClass: string; collection: string; deleted: number }>;
  details?: string;
  completedAt: Date;
}

/**
 * One retention run across every store and service: the policy published, and each service's report
 * (documents deleted per class and collection). Not about one store, so it has no storeId — which is also
 * why no store erasure touches it.
 */
export interface RetentionRun extends TimestampFields {
  /** The run id published with the policy. */
  _id: string;
  trigger: 'schedule' | 'api';
  startedAt: Date;
  rules: Array<{ dataClass: string; retentionDays: number }>;
  expectedServices: string[];
  reports: Record<string, ServiceSweepReport>;
}

export const retentionRunSchema = new Schema<RetentionRun>(
  {
    _id: { type: String, required: true },
    trigger: { type: String, required: true, enum: ['schedule', 'api'] },
    startedAt: { type: Date, required: true },
    rules: { type: [{ _id: false, dataClass: String, retentionDays: Number }], required: true },
    expectedServices: { type: [String], required: true },
    reports: { type: Schema.Types.Mixed, default: {} },
  },
  { ...baseSchemaOptions, collection: RETENTION_RUN_COLLECTION, minimize: false },
);
retentionRunSchema.index({ startedAt: -1 });
