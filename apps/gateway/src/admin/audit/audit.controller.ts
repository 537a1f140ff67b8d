import { Controller, Get, Query } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { nestPathOf } from '../admin-routes';
import { AdminRoute } from '../auth/admin-route.decorator';
import { toDate, toInt, validInput } from '../http/validate-input';
import { AdminAuditRepository } from './admin-audit.repository';

export class AuditQueryDto {
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  storeId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  actor?: string;

  @IsOptional()
  @Transform(toDate)
  @IsDate()
  from?: Date;

  @IsOptional()
  @Transform(toDate)
  @IsDate()
  to?: Date;

  /** Cursor: `nextBefore` of the previous page. */
  @IsOptional()
  @Transform(toDate)
  @IsDate()
  before?: Date;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

@Controller('admin/v1')
export class AuditController {
  constructor(private readonly audit: AdminAuditRepository) {}

  @Get(nestPathOf('queryAudit'))
  @AdminRoute('queryAudit')
  async query(@Query() raw: unknown): Promise<unknown> {
    const q = await validInput(AuditQueryDto, raw);
    const limit = q.limit ?? 100;
    const records = await this.audit.query({ ...q, limit });
    const last = records.at(-1);
    return {
      items: records.map((r) => ({ ...r, at: r.at.toISOString() })),
      nextBefore: records.length === limit && last ? last.at.toISOString() : null,
    };
  }
}
