import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { FastifyRequest } from 'fastify';

import { nestPathOf } from '../admin-routes';
import { AdminRoute } from '../auth/admin-route.decorator';
import { actorLabel, PRINCIPAL_FIELD, type WithPrincipal } from '../auth/principal';
import { toInt, validInput } from '../http/validate-input';
import type { StoredDeadLetter } from './dead-letters.repository';
import { DeadLettersRepository } from './dead-letters.repository';
import { ReplayDeadLetterUseCase } from './replay-dead-letter.use-case';

export class DeadLetterFilterDto {
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  storeId?: string;

  /** The source topic (`catalog.product.upserted.v1`), not the `.dlt` one. */
  @IsOptional()
  @Matches(/^[a-z0-9.-]{1,200}$/)
  topic?: string;
}

export class DeadLetterListQuery extends DeadLetterFilterDto {
  @IsOptional()
  @IsIn(['parked', 'replayed', 'discarded'])
  state?: 'parked' | 'replayed' | 'discarded';

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

export class DiscardBody {
  @IsString()
  @MinLength(5)
  @MaxLength(1000)
  reason!: string;
}

type AdminRequest = FastifyRequest & WithPrincipal;

/** Metadata only: the sealed original never leaves the gateway except by replay. */
function present(d: StoredDeadLetter): Record<string, unknown> {
  return {
    id: d._id.toHexString(),
    storeId: d.storeId ?? null,
    sourceTopic: d.sourceTopic,
    dltTopic: d.dltTopic,
    partition: d.dltPartition,
    offset: d.dltOffset,
    sourcePartition: d.sourcePartition ?? null,
    sourceOffset: d.sourceOffset ?? null,
    key: d.key ?? null,
    reason: d.reason,
    attempts: d.attempts,
    service: d.service,
    failedAt: d.failedAt.toISOString(),
    state: d.state,
    replayable: d.state === 'parked' && Boolean(d.sealed),
    stateChangedAt: d.stateChangedAt?.toISOString() ?? null,
    stateChangedBy: d.stateChangedBy ?? null,
    discardReason: d.discardReason ?? null,
  };
}

@Controller('admin/v1')
export class DeadLettersController {
  constructor(
    private readonly repository: DeadLettersRepository,
    private readonly replays: ReplayDeadLetterUseCase,
  ) {}

  @Get(nestPathOf('listDeadLetters'))
  @AdminRoute('listDeadLetters')
  async list(@Query() raw: unknown): Promise<unknown> {
    const q = await validInput(DeadLetterListQuery, raw);
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const items = await this.repository.list(
      { storeId: q.storeId, sourceTopic: q.topic, state: q.state },
      limit,
      offset,
    );
    return { items: items.map(present), limit, offset };
  }

  // Declared before `:id/replay` so Fastify's router never reads "replay" as an id.
  @Post(nestPathOf('replayDeadLetters'))
  @AdminRoute('replayDeadLetters')
  @HttpCode(200)
  async replayAll(@Body() raw: unknown, @Req() req: AdminRequest): Promise<unknown> {
    const f = await validInput(DeadLetterFilterDto, raw ?? {});
    return this.replays.replayMatching(
      { storeId: f.storeId, sourceTopic: f.topic },
      actorLabel(req[PRINCIPAL_FIELD]!),
    );
  }

  @Post(nestPathOf('replayDeadLetter'))
  @AdminRoute('replayDeadLetter')
  @HttpCode(200)
  async replay(@Param('id') id: string, @Req() req: AdminRequest): Promise<unknown> {
    const outcome = await this.replays.replayOne(id, actorLabel(req[PRINCIPAL_FIELD]!));
    if (outcome === 'not-found') throw new NotFoundException();
    if (outcome === 'already-handled') throw new ConflictException('already replayed or discarded');
    if (outcome === 'not-replayable')
      throw new UnprocessableEntityException(
        'the original message is not available (no store, or store erased)',
      );
    if (outcome === 'publish-failed')
      throw new ServiceUnavailableException('Kafka did not acknowledge the replay');
    return { id, state: 'replayed' };
  }

  @Post(nestPathOf('discardDeadLetter'))
  @AdminRoute('discardDeadLetter')
  @HttpCode(200)
  async discard(@Param('id') id: string, @Body() raw: unknown, @Req() req: AdminRequest): Promise<unknown> {
    const body = await validInput(DiscardBody, raw);
    const letter = await this.repository.byId(id);
    if (!letter) throw new NotFoundException();
    if (!(await this.replays.discard(letter, actorLabel(req[PRINCIPAL_FIELD]!), body.reason)))
      throw new ConflictException('already replayed or discarded');
    return { id, state: 'discarded' };
  }
}
