import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { IsText, IsUtcTimestamp } from './common';

/*
 * Retention: the privacy service publishes the policy (how long each data class lives) on a schedule; every
 * service sweeps its own collections of those classes and reports what it deleted. Not about one store, so
 * the envelope's storeId is `RETENTION_ALL_STORES` and the message key is that same value.
 */

/** Envelope `storeId` (and key) of retention messages: they concern every store. */
export const RETENTION_ALL_STORES = '*';

/**
 * What kind of data a collection holds. `configuration` lives as long as the app is installed (erased on
 * uninstall, never swept by age); `privacy_records` (erasure receipts, legal holds) is accountability data
 * that neither sweep nor store erasure removes; the others are swept by age.
 */
export const DATA_CLASSES = [
  'configuration',
  'activity_logs',
  'error_reports',
  'technical_info',
  'webhook_duplicate_claims',
  'admin_access_audit',
  'finished_exports',
  'privacy_records',
] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

/** One class's retention: documents older than `retentionDays` (by their registered timestamp) go. */
export class RetentionRule {
  @IsIn([...DATA_CLASSES])
  dataClass!: DataClass;

  @IsInt()
  @Min(1)
  retentionDays!: number;
}

/** `privacy.retention.policy-published.v1`: sweep now under these rules and report under `runId`. */
export class PrivacyRetentionPolicyPublished {
  @IsUUID()
  runId!: string;

  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => RetentionRule)
  rules!: RetentionRule[];

  @IsUtcTimestamp()
  publishedAt!: string;
}

/** Documents one service deleted from one collection in one run. */
export class RetentionSweepCount {
  @IsIn([...DATA_CLASSES])
  dataClass!: DataClass;

  @IsString()
  @MaxLength(128)
  collection!: string;

  @IsInt()
  @Min(0)
  deleted!: number;
}

export const RETENTION_SWEEP_OUTCOMES = ['swept', 'failed'] as const;
export type RetentionSweepOutcome = (typeof RETENTION_SWEEP_OUTCOMES)[number];

/** `privacy.retention.sweep-completed.v1`: one service's report for a retention run (counts, no data). */
export class PrivacyRetentionSweepCompleted {
  @IsUUID()
  runId!: string;

  @IsString()
  @Matches(SERVICE_NAME)
  @MaxLength(64)
  service!: string;

  @IsIn([...RETENTION_SWEEP_OUTCOMES])
  outcome!: RetentionSweepOutcome;

  @IsArray()
  @ArrayMaxSize(256)
  @ValidateNested({ each: true })
  @Type(() => RetentionSweepCount)
  counts!: RetentionSweepCount[];

  /** Why a sweep failed (an error class and message; never document contents). */
  @IsOptional()
  @IsText(1024)
  details?: string;

  @IsUtcTimestamp()
  completedAt!: string;
}
