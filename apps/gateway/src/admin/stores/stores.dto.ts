import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { SYNC_DIRECTIONS, SYNC_ENTITY_TYPES, SYNC_OUTCOMES } from '@app/contracts';

import { toDate, toInt } from '../http/validate-input';

export class StoreListQuery {
  /** Store id (exact) or part of the name/domain. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  q?: string;

  @IsOptional()
  @IsIn(['installed', 'uninstalled'])
  installState?: 'installed' | 'uninstalled';

  @IsOptional()
  @IsIn(['unknown', 'connected', 'failing'])
  odooState?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  hasFailures?: 'true' | 'false';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100_000)
  offset?: number;
}

export class ActivityQuery {
  /** The kind of record: product, order, inventory… */
  @IsOptional()
  @IsIn([...SYNC_ENTITY_TYPES])
  entityType?: string;

  @IsOptional()
  @IsIn([...SYNC_OUTCOMES])
  outcome?: string;

  @IsOptional()
  @IsIn([...SYNC_DIRECTIONS])
  direction?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  entityId?: string;

  /** Cursor: `nextBefore` of the previous page. */
  @IsOptional()
  @Transform(toDate)
  @IsDate()
  before?: Date;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
