import { randomUUID } from 'node:crypto';

import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ArrayUnique, IsArray, IsIn, IsOptional, Matches } from 'class-validator';

import { BACKFILL_RESOURCES, BackfillRequested, keyFor, Topic } from '@app/contracts';
import { EventPublisher, newEnvelope } from '@app/messaging';

import { nestPathOf } from '../admin-routes';
import { AdminRoute } from '../auth/admin-route.decorator';
import { actorLabel, PRINCIPAL_FIELD, type WithPrincipal } from '../auth/principal';
import { storeIdParam, validInput } from '../http/validate-input';
import { BackfillProgressRepository, BackfillRequestsRepository } from './backfill-runs.repository';

export class BackfillBody {
  /** What to read again; everything when absent. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn([...BACKFILL_RESOURCES], { each: true })
  resources?: string[];

  /** Orders created on or after this UTC time; the connector's default look-back when absent. */
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/)
  ordersSince?: string;
}

@Controller('admin/v1')
export class BackfillsController {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly requests: BackfillRequestsRepository,
    private readonly progress: BackfillProgressRepository,
  ) {}

  /** Publishes BackfillRequested (acked) and answers 202 with the run id to follow. */
  @Post(nestPathOf('requestBackfill'))
  @AdminRoute('requestBackfill')
  @HttpCode(202)
  async request(
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() req: FastifyRequest & WithPrincipal,
  ): Promise<unknown> {
    const storeId = storeIdParam(id);
    const body = await validInput(BackfillBody, raw ?? {});
    const runId = randomUUID();
    const requestedBy = actorLabel(req[PRINCIPAL_FIELD]!);
    const payload = Object.assign(new BackfillRequested(), {
      runId,
      requestedBy,
      ...(body.resources ? { resources: body.resources } : {}),
      ...(body.ordersSince ? { ordersSince: body.ordersSince } : {}),
    });
    // Recorded first so the run is visible even if the connector reports before this request returns.
    await this.requests.insert(storeId, {
      runId,
      requestedBy,
      resources: body.resources ?? [...BACKFILL_RESOURCES],
      requestedAt: new Date(),
      ...(body.ordersSince ? { ordersSince: body.ordersSince } : {}),
    });
    await this.publisher.publish(
      Topic.BackfillRequested,
      newEnvelope(Topic.BackfillRequested, storeId, payload),
      {
        key: keyFor(storeId),
      },
    );
    return { runId, status: 'requested' };
  }

  @Get(nestPathOf('getBackfill'))
  @AdminRoute('getBackfill')
  async get(@Param('id') id: string, @Param('runId') runId: string): Promise<unknown> {
    const storeId = storeIdParam(id);
    const run = runId.slice(0, 128);
    const [request, progress] = await Promise.all([
      this.requests.findOne(storeId, { runId: run }),
      this.progress.ofRun(storeId, run),
    ]);
    if (!request && progress.length === 0) throw new NotFoundException();
    const states = progress.map((p) => p.state);
    const state =
      progress.length === 0
        ? 'requested'
        : states.includes('failed')
          ? 'failed'
          : states.includes('running')
            ? 'running'
            : states.every((s) => s === 'completed')
              ? 'completed'
              : (states[0] ?? 'running');
    return {
      runId: run,
      state,
      requestedBy: request?.requestedBy ?? null,
      requestedAt: request?.requestedAt.toISOString() ?? null,
      resources: progress.map((p) => ({
        resource: p.resource,
        state: p.state,
        done: p.done,
        total: p.total ?? null,
        message: p.message ?? null,
        updatedAt: p.updatedAt.toISOString(),
      })),
    };
  }
}
