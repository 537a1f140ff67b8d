import {
  Body,
  Controller,
  Get,
  GoneException,
  NotFoundException,
  Param,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import { IsOptional, IsUUID } from 'class-validator';
import type { FastifyReply } from 'fastify';

import { ComplianceAuthGuard } from '../auth/compliance-auth.guard';
import { parseBody } from '../http/parse-body';
import { ExportAssembler } from './export-assembler';
import { ExportsRepository } from './exports.repository';

export class StartExportBody {
  @IsOptional()
  @IsUUID()
  requestId?: string;
}

@Controller('privacy/v1')
@UseGuards(ComplianceAuthGuard)
export class ExportsController {
  constructor(
    private readonly assembler: ExportAssembler,
    private readonly exports: ExportsRepository,
  ) {}

  @Post('stores/:storeId/exports')
  async start(
    @Param('storeId') storeId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const input = await parseBody(StartExportBody, body);
    const { created, export: doc } = await this.assembler.start(storeId, input.requestId);
    await reply.status(created ? 202 : 200).send({
      exportId: doc._id,
      storeId: doc.storeId,
      status: doc.status,
      requestedAt: doc.requestedAt.toISOString(),
    });
  }

  @Get('exports/:exportId')
  async show(@Param('exportId') exportId: string): Promise<Record<string, unknown>> {
    const doc = await this.exports.byId(exportId);
    if (!doc) throw new NotFoundException('no such export');
    const base = {
      exportId: doc._id,
      storeId: doc.storeId,
      status: doc.status,
      requestedAt: doc.requestedAt.toISOString(),
      finishedAt: doc.finishedAt?.toISOString() ?? null,
      expiresAt: doc.expiresAt?.toISOString() ?? null,
      failure: doc.failure ?? null,
    };
    if (doc.status === 'pending') return { ...base, document: null };
    const document = await this.assembler.document(doc);
    if (document === null) throw new GoneException('the export has expired or its store was erased');
    return { ...base, document };
  }
}
