import { Body, Controller, Get, NotFoundException, Param, Post, Res, UseGuards } from '@nestjs/common';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';

import { ComplianceAuthGuard } from '../auth/compliance-auth.guard';
import { parseBody } from '../http/parse-body';
import { ErasureOrchestrator } from './erasure-orchestrator';
import { ErasureRequestsRepository } from './erasure-requests.repository';
import { erasureView } from './erasure-view';

export class StartErasureBody {
  /** Idempotency key: the same id returns the same request. */
  @IsOptional()
  @IsUUID()
  requestId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

@Controller('privacy/v1')
@UseGuards(ComplianceAuthGuard)
export class ErasuresController {
  constructor(
    private readonly orchestrator: ErasureOrchestrator,
    private readonly requests: ErasureRequestsRepository,
  ) {}

  /** 202 when the request is new, 200 with the stored request when the id was seen before. */
  @Post('stores/:storeId/erasures')
  async start(
    @Param('storeId') storeId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const input = await parseBody(StartErasureBody, body);
    const { created, request } = await this.orchestrator.start({
      storeId,
      source: 'api',
      ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    });
    await reply.status(created ? 202 : 200).send(erasureView(request));
  }

  @Get('erasures/:requestId')
  async show(@Param('requestId') requestId: string): Promise<Record<string, unknown>> {
    const request = await this.requests.byId(requestId);
    if (!request) throw new NotFoundException('no such erasure request');
    return erasureView(request);
  }
}
