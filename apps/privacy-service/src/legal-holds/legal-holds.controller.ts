import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Put,
  UseGuards,
} from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';

import { DATA_CLASSES, type DataClass } from '@app/contracts';

import { ComplianceAuthGuard } from '../auth/compliance-auth.guard';
import { parseBody } from '../http/parse-body';
import { LegalHoldsRepository } from './legal-holds.repository';
import type { LegalHold } from './legal-hold.schema';

/** Classes a hold may name: accountability records are never erased anyway. */
const HOLDABLE = DATA_CLASSES.filter((c) => c !== 'privacy_records');

export class PlaceLegalHoldBody {
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(HOLDABLE.length)
  @IsIn(HOLDABLE, { each: true })
  dataClasses!: DataClass[];

  @IsISO8601({ strict: true })
  until!: string;
}

function view(hold: LegalHold): Record<string, unknown> {
  return {
    storeId: hold.storeId,
    reason: hold.reason,
    dataClasses: hold.dataClasses,
    until: hold.until.toISOString(),
    placedAt: hold.placedAt.toISOString(),
  };
}

@Controller('privacy/v1/stores/:storeId/legal-hold')
@UseGuards(ComplianceAuthGuard)
export class LegalHoldsController {
  constructor(private readonly holds: LegalHoldsRepository) {}

  @Put()
  async place(@Param('storeId') storeId: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    const input = await parseBody(PlaceLegalHoldBody, body);
    const hold = await this.holds.place(
      storeId,
      { reason: input.reason, dataClasses: [...new Set(input.dataClasses)], until: new Date(input.until) },
      new Date(),
    );
    return view(hold);
  }

  @Get()
  async show(@Param('storeId') storeId: string): Promise<Record<string, unknown>> {
    const hold = await this.holds.findOne(storeId, { _id: storeId });
    if (!hold) throw new NotFoundException('no legal hold for this store');
    return view(hold);
  }

  @Delete()
  @HttpCode(204)
  async lift(@Param('storeId') storeId: string): Promise<void> {
    if (!(await this.holds.lift(storeId))) throw new NotFoundException('no legal hold for this store');
  }
}
