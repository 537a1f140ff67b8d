import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  Min,
} from 'class-validator';

import { IsText, IsUtcTimestamp } from './common';
import { BACKFILL_RESOURCES, BACKFILL_STATES, BackfillResource, BackfillState } from './store-profile';

/**
 * `sync.backfill.requested.v1`: COMMAND to the Salla connector: (re)read the store's data from Salla and emit it
 * on the backfill topics. Sent by the admin API (resync) or by anything that knows a store needs a full pass.
 */
export class BackfillRequested {
  /** Identity of the run; a repeated request with the same id does not start a second run. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  runId!: string;

  /** What to read; all resources when absent. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn([...BACKFILL_RESOURCES], { each: true })
  resources?: BackfillResource[];

  /** Orders created on or after this time; the connector's configured look-back when absent. */
  @IsOptional()
  @IsUtcTimestamp()
  ordersSince?: string;

  /** Who asked, for the activity log ('ops:alice', 'store-ready'). */
  @IsOptional()
  @IsText(256)
  requestedBy?: string;
}

/**
 * `ops.backfill.progress.v1`: where a backfill run stands for one resource. Emitted at the start, after each
 * page and at the end; the admin API shows the latest per store and resource.
 */
export class BackfillProgress {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  runId!: string;

  @IsIn([...BACKFILL_RESOURCES])
  resource!: BackfillResource;

  @IsIn([...BACKFILL_STATES])
  state!: BackfillState;

  @IsInt()
  @Min(0)
  done!: number;

  /** What Salla's pagination says there is; absent until the first page is read. */
  @IsOptional()
  @IsInt()
  @Min(0)
  total?: number;

  /** Why a run failed or was cancelled, in plain words. */
  @IsOptional()
  @IsText(2000)
  message?: string;

  @IsUtcTimestamp()
  updatedAt!: string;
}
